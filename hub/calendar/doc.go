// Package calendar is Vietnam's working-day calendar, used for the duty
// plan and for every "N working days" deadline (Decision 247/QĐ-TCHQ:
// a camera fault repaired within 10 working days, a transmission fault
// within 3). It owns:
//
//   - the Vietnamese lunar calendar, computed for the UTC+7 meridian from
//     astronomical new moons and solar terms (lunar.go, astro.go);
//   - the public holidays of the Labour Code 2019 (Art. 112), the lunar
//     ones included (Tết Nguyên đán, Giỗ Tổ Hùng Vương), and the days off
//     in compensation for a holiday on a weekend (Art. 111(3))
//     (holidays.go);
//   - the government's yearly announcements of breaks and swapped working
//     days: built in for the years known (announcements.go), entered by an
//     administrator for later ones and kept in a Store (calendar.go,
//     store.go);
//   - working-day arithmetic: what a day is, and deadlines counted in
//     working days (calendar.go).
//
// Everything is in Vietnam time.
package calendar

import "fieldwatch/internal/vntime"

// Zone is Vietnam time.
var Zone = vntime.Zone
