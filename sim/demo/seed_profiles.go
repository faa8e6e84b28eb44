package demo

import (
	"fmt"
	"time"

	"fieldwatch/hub/profiles"
	"fieldwatch/hub/rules"
)

// huuNghiGate is the border gate at the end of the QL1A route of sim/gps.
var huuNghiGate = rules.Point{21.9688, 106.7068}

// demoProfileTitle names the seeded focus profile (and finds it again
// when the demo restarts on the same data).
const demoProfileTitle = "Khu vực cửa khẩu Hữu Nghị"

// seedProfiles gives the Hữu Nghị branch one approved focus profile, as
// Decision 888 Art. 13 has it: drafted and submitted by the surveillance
// officer, approved by the branch's leader. Its geofence is a 1.2 km
// circle around the gate, where xe-01's simulated route ends, so the demo
// raises a real "vehicle enters the area" alert each time xe-01 drives in
// (about every 37 minutes), and another when it leaves; cutting a vehicle's
// link or filing a report that names the gate raises one at once.
func (d *Demo) seedProfiles() error {
	store := d.hub.Profiles()
	existing, err := store.List(func(p *profiles.Profile) bool {
		return p.Unit == unitHuuNghi && p.Spec.Title == demoProfileTitle && p.State != profiles.StateClosed
	})
	if err != nil || len(existing) > 0 {
		return err
	}
	all, err := d.hub.Fleet().List()
	if err != nil {
		return fmt.Errorf("demo: seed profile: %w", err)
	}
	var vehicles []string
	for _, v := range all {
		if v.Unit == unitHuuNghi {
			vehicles = append(vehicles, v.ID)
		}
	}
	if len(vehicles) == 0 {
		return nil
	}
	spec := demoProfileSpec(vehicles, time.Now().Add(-time.Hour))
	p, err := store.Create(unitHuuNghi, "giamsat", spec)
	if err == nil {
		_, err = store.Submit(p.ID, "giamsat")
	}
	if err == nil {
		_, err = store.Decide(p.ID, "lanhdao.huunghi", true, "Đồng ý triển khai giám sát trọng điểm.")
	}
	if err != nil {
		return fmt.Errorf("demo: seed profile: %w", err)
	}
	return nil
}

// demoProfileSpec is the seeded profile of the Hữu Nghị vehicles, in force from from.
func demoProfileSpec(vehicles []string, from time.Time) profiles.Spec {
	area := &rules.Geofence{Circle: &rules.Circle{Center: huuNghiGate, RadiusM: 1200}}
	return profiles.Spec{
		Title:        demoProfileTitle,
		Content:      "Giám sát phương tiện ra vào khu vực cửa khẩu Hữu Nghị và khu vực bãi xe chờ xuất; theo dõi camera của các xe chỉ huy trong phạm vi.",
		Requirements: "Khi có cảnh báo: xem trực tiếp camera của xe, tiếp nhận và báo ngay lãnh đạo Chi cục; ghi kết quả xử lý.",
		Scope: profiles.Scope{Scope: rules.Scope{Vehicles: vehicles, Keywords: []string{"cửa khẩu Hữu Nghị", "hàng cấm"}},
			Sites: []string{"Cửa khẩu Hữu Nghị", "Bãi xe chờ xuất"}, Routes: []string{"QL1A Lạng Sơn – cửa khẩu Hữu Nghị"}},
		Window: rules.Window{From: from},
		Rules: []rules.Rule{
			{ID: "vao", Type: rules.GeofenceEnter, Geofence: area},
			{ID: "ra", Type: rules.GeofenceLeave, Geofence: area},
			{ID: "camera", Type: rules.CameraOffline},
			{ID: "baocao", Type: rules.ReportMatch},
		},
		Watchers:    []string{"giamsat", "trucban.huunghi"},
		WatchOnDuty: true,
	}
}
