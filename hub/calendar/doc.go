// Package calendar is Vietnam's working-day calendar, used for the duty
// plan and for every "N working days" deadline (Decision 247): weekends,
// the public holidays of the Labour Code 2019 (Art. 112) including the
// lunar ones (Tết Nguyên đán, Giỗ Tổ Hùng Vương), the compensatory days
// off when a holiday falls on a weekend, and the government's yearly
// announcements of breaks and swapped working days, editable by an
// administrator. Everything is in Asia/Ho_Chi_Minh.
package calendar

import "time"

// Zone is Vietnam time.
var Zone = time.FixedZone("ICT", 7*3600)
