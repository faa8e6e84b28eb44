package calendar

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Zone) }

func TestTetAndHungKings(t *testing.T) {
	for _, want := range []time.Time{day(2020, 1, 25), day(2021, 2, 12), day(2022, 2, 1), day(2023, 1, 22), day(2024, 2, 10),
		day(2025, 1, 29), day(2026, 2, 17), day(2027, 2, 6), day(2028, 1, 26),
		// 2030: the new moon falls at 23:07 Vietnam time on 2 February (00:07 on the 3rd in China,
		// whose New Year is the 3rd): Vietnam's Tết is the 2nd.
		day(2030, 2, 2)} {
		got, ok := Solar(LunarDate{Day: 1, Month: 1, Year: want.Year()})
		if !ok || !got.Equal(want) {
			t.Errorf("Tết %d: %s, want %s", want.Year(), got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
		if l := Lunar(want); l != (LunarDate{Day: 1, Month: 1, Year: want.Year()}) {
			t.Errorf("%s is %v", want.Format(time.DateOnly), l)
		}
	}
	for _, want := range []time.Time{day(2024, 4, 18), day(2025, 4, 7), day(2026, 4, 26)} {
		if got, _ := Solar(LunarDate{Day: 10, Month: 3, Year: want.Year()}); !got.Equal(want) {
			t.Errorf("Giỗ Tổ %d: %s, want %s", want.Year(), got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
	// 2023 had a leap second month (tháng 2 nhuận): 2023-03-22 is its first day.
	if l := Lunar(day(2023, 3, 22)); l != (LunarDate{Day: 1, Month: 2, Year: 2023, Leap: true}) {
		t.Errorf("2023-03-22 is %v", l)
	}
	if _, ok := Solar(LunarDate{Day: 1, Month: 5, Year: 2024, Leap: true}); ok {
		t.Error("a leap month 5 in 2024")
	}
}

// Every day of 1990–2050 converts to a lunar date and back.
func TestLunarRoundTrip(t *testing.T) {
	for d := day(1990, 1, 1); d.Year() <= 2050; d = d.AddDate(0, 0, 1) {
		l := Lunar(d)
		back, ok := Solar(l)
		if !ok || !back.Equal(d) {
			t.Fatalf("%s → %v → %s", d.Format(time.DateOnly), l, back.Format(time.DateOnly))
		}
		if l.Day < 1 || l.Day > 30 || l.Month < 1 || l.Month > 12 {
			t.Fatalf("%s → %v", d.Format(time.DateOnly), l)
		}
	}
}
