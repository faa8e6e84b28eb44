package demo

import (
	"fmt"
	"time"

	"fieldwatch/hub/missions"
	"fieldwatch/protocol"
)

// seedMissions plans two mobile surveillance missions: one running now for
// the first vehicle (Hữu Nghị) along the border road, one planned for this
// evening for the second (Đồng Đăng). A demo restarted on its data keeps
// the missions it has.
func (d *Demo) seedMissions() error {
	store := d.hub.Missions()
	open, err := store.List(func(m *missions.Mission) bool { return m.Open() })
	if err != nil || len(open) > 0 {
		return err
	}
	all, err := d.hub.Fleet().List()
	if err != nil {
		return fmt.Errorf("demo: seed missions: %w", err)
	}
	pick := func(unit string) string {
		for _, v := range all {
			if v.Unit == unit {
				return v.ID
			}
		}
		return ""
	}
	now := time.Now()
	plans := []missions.Draft{{
		Vehicle: pick(unitHuuNghi), Unit: unitHuuNghi, Crew: []string{"tocongtac.huunghi"}, Site: "Quốc lộ 1A, cửa khẩu Hữu Nghị – Km 12",
		Waypoints: []protocol.Waypoint{{Name: "Cửa khẩu Hữu Nghị", Lat: 21.9686, Lon: 106.7054}, {Name: "Km 12", Lat: 21.8720, Lon: 106.7600}},
		From:      now.Add(-30 * time.Minute), To: now.Add(4 * time.Hour),
		Purpose:      "Giám sát xe container quá cảnh dừng đỗ dọc tuyến",
		Instructions: "Ghi hình các điểm dừng quá 15 phút; báo cáo ngay khi có dấu hiệu sang tải.",
	}, {
		Vehicle: pick(unitDongDang), Unit: unitDongDang, Crew: []string{"tocongtac.dongdang"}, Site: "Đường mòn Tân Thanh",
		From: now.Add(6 * time.Hour), To: now.Add(10 * time.Hour),
		Purpose: "Giám sát đường mòn, lối mở khu vực Tân Thanh ban đêm",
	}}
	for _, p := range plans {
		if p.Vehicle == "" {
			continue
		}
		if _, err := store.Create(missions.Actor{Username: "trucban", Name: "Công chức trực ban"}, p); err != nil {
			return fmt.Errorf("demo: seed mission: %w", err)
		}
	}
	return nil
}
