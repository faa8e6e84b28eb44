package demo

import (
	"context"
	"encoding/json"
	"fmt"
)

// seedWatch gives each branch a camera group per command vehicle (its
// whole set of cameras, so a camera added later is watched too), made
// through the hub's API by the branch's leader. Assignments are left
// to the officers: "assign automatically" on the watch page spreads them
// over whoever is on duty.
func (d *Demo) seedWatch(ctx context.Context, password string) error {
	vehicles, err := d.hub.Fleet().List()
	if err != nil {
		return fmt.Errorf("demo: watch groups: %w", err)
	}
	for _, b := range []struct{ unit, leader string }{{unitHuuNghi, "lanhdao.huunghi"}, {unitDongDang, "lanhdao.dongdang"}} {
		var have []struct {
			Name string `json:"name"`
		}
		if err := d.call(ctx, b.leader, password, "GET", "/api/v1/watch/groups?unit="+b.unit, "", &have); err != nil {
			return fmt.Errorf("demo: watch groups of %s: %w", b.unit, err)
		}
		exists := map[string]bool{}
		for _, g := range have {
			exists[g.Name] = true
		}
		for _, v := range vehicles {
			if v.Unit != b.unit || exists["Khu vực "+v.Name] {
				continue // another branch's, or seeded by an earlier run on the same data
			}
			body, _ := json.Marshal(map[string]any{"unit": b.unit, "name": "Khu vực " + v.Name,
				"members": []map[string]string{{"kind": "vehicle", "vehicle": v.ID}}})
			if err := d.call(ctx, b.leader, password, "POST", "/api/v1/watch/groups", string(body), nil); err != nil {
				return fmt.Errorf("demo: watch group of %s: %w", v.ID, err)
			}
		}
	}
	return nil
}
