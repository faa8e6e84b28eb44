package calendar

// The government's announced placements and swaps for the years known when
// this was written, for civil servants (công chức, viên chức), whose
// calendar customs offices keep. What an announcement does not change
// follows the rules of statutory(); where the announced days off equal the
// rules' days off nothing is written here. Later years' announcements are
// entered by an administrator (Calendar.Set), kept in the hub's store.
//
//	2024  Tết 8–14 Feb: the rules (2 days before Tết, 3 from it, 2 days
//	      nghỉ bù for 10–11 Feb); 30/4–1/5: 27 Apr–1 May, Mon 29 Apr
//	      swapped for Sat 4 May; Quốc khánh 31 Aug–3 Sep: the rules.
//	2025  Tết 25 Jan–2 Feb: the rules (27–31 Jan); 30/4–1/5: 30 Apr–4 May,
//	      Fri 2 May swapped for Sat 26 Apr; Quốc khánh 30 Aug–2 Sep: the
//	      rules (1 and 2 Sep).
//	2026  1 Jan–4 Jan, Fri 2 Jan swapped for Sat 10 Jan; Tết 14–22 Feb with
//	      its five days on 16–20 Feb; Giỗ Tổ Sun 26 Apr, nghỉ bù Mon 27 Apr
//	      and 30/4–1/5 (Thu–Fri): the rules, no announcement known;
//	      Quốc khánh 29 Aug–2 Sep, Mon 31 Aug swapped for Sat 22 Aug.

const (
	src2024May = "Công văn 2450/VPCP-KGVX ngày 12/4/2024 (Thủ tướng đồng ý hoán đổi ngày làm việc dịp 30/4–1/5/2024)"
	src2025May = "Thông báo của Bộ Nội vụ về nghỉ lễ 30/4–1/5/2025 (hoán đổi thứ Sáu 02/5 sang thứ Bảy 26/4)"
	src2026Jan = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 (nghỉ Tết Dương lịch 2026)"
	src2026    = "Văn phòng Chính phủ, ý kiến của Thủ tướng về nghỉ Tết Âm lịch và Quốc khánh năm 2026 (tháng 10/2025)"
)

// announcedTetDaysBefore places Tết's five days where an announcement put
// them otherwise than defaultTetDaysBefore.
var announcedTetDaysBefore = map[int]int{
	2026: 1, // 16–20 Feb 2026, 29 tháng Chạp Ất Tỵ to mùng 4 Bính Ngọ (src2026)
}

// builtinOverrides are the announced swaps: a working day given off, and
// the weekend day worked in exchange.
var builtinOverrides = []Override{
	{Date: "2024-04-29", Off: true, Name: "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)", Source: src2024May},
	{Date: "2024-05-04", Off: false, Name: "Làm bù cho thứ Hai 29/4/2024", Source: src2024May},

	{Date: "2025-05-02", Off: true, Name: "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", Source: src2025May},
	{Date: "2025-04-26", Off: false, Name: "Làm bù cho thứ Sáu 02/5/2025", Source: src2025May},

	{Date: "2026-01-02", Off: true, Name: "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", Source: src2026Jan},
	{Date: "2026-01-10", Off: false, Name: "Làm bù cho thứ Sáu 02/01/2026", Source: src2026Jan},
	{Date: "2026-08-31", Off: true, Name: "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", Source: src2026},
	{Date: "2026-08-22", Off: false, Name: "Làm bù cho thứ Hai 31/8/2026", Source: src2026},
}

// builtin is builtinOverrides by day number.
var builtin = func() map[int]Override {
	m := make(map[int]Override, len(builtinOverrides))
	for _, o := range builtinOverrides {
		jdn, err := parseDate(o.Date)
		if err != nil {
			panic(err) // a typo in the table above; the tests catch it
		}
		m[jdn] = o
	}
	return m
}()
