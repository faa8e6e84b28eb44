package demo

import (
	"fmt"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/units"
)

// Demo units: a provincial customs department with two border branches,
// under the General Department. Vehicles alternate between the branches.
const (
	unitRoot     = "tong-cuc-hai-quan"
	unitDept     = "cuc-hq-lang-son"
	unitHuuNghi  = "cc-huu-nghi"
	unitDongDang = "cc-dong-dang"
)

func unitOf(i int) string {
	if i%2 == 1 {
		return unitHuuNghi
	}
	return unitDongDang
}

func vehicleName(i int) string {
	return fmt.Sprintf("Xe chỉ huy %02d", i)
}

// seeded reports whether the hub's data is a demo's from an earlier run.
func (d *Demo) seeded() bool {
	_, err := d.hub.Auth().User("lanhdao")
	return err == nil
}

// seed makes the demo's units, accounts, focus profile and missions.
func (d *Demo) seed(password string) error {
	if err := d.seedUnits(); err != nil {
		return err
	}
	if err := d.seedAccounts(password); err != nil {
		return err
	}
	if err := d.seedProfiles(); err != nil {
		return err
	}
	return d.seedMissions()
}

// keptLogins lists the accounts of an earlier run, without passwords (they
// are whatever they were left as).
func (d *Demo) keptLogins() error {
	users, err := d.hub.Auth().Users()
	if err != nil {
		return fmt.Errorf("demo: accounts: %w", err)
	}
	for _, u := range users {
		if u.Retired || len(u.Roles) == 0 {
			continue
		}
		d.logins = append(d.logins, Login{Username: u.Username, Password: "(như lần trước / as before)", Role: u.Roles[0], Unit: u.Unit})
	}
	return nil
}

// seedUnits creates the unit tree.
func (d *Demo) seedUnits() error {
	for _, u := range []units.Unit{
		{ID: unitRoot, Name: "Tổng cục Hải quan"},
		{ID: unitDept, Name: "Cục Hải quan tỉnh Lạng Sơn", Parent: unitRoot},
		{ID: unitHuuNghi, Name: "Chi cục Hải quan cửa khẩu Hữu Nghị", Parent: unitDept},
		{ID: unitDongDang, Name: "Chi cục Hải quan ga Đồng Đăng", Parent: unitDept},
	} {
		if err := d.hub.Units().Put(u, "demo"); err != nil {
			return fmt.Errorf("demo: seed unit %s: %w", u.ID, err)
		}
	}
	return nil
}

// seedAccounts creates one account per role (and per branch for field
// roles), all with the demo password.
func (d *Demo) seedAccounts(password string) error {
	users := []auth.User{
		{Username: "admin", Name: "Quản trị hệ thống", Unit: unitDept, Roles: []string{auth.RoleAdmin}},
		{Username: "lanhdao", Name: "Lãnh đạo Cục", Unit: unitDept, Roles: []string{auth.RoleLeader}},
		{Username: "trucban", Name: "Công chức trực ban", Unit: unitDept, Roles: []string{auth.RoleDuty}},
		{Username: "giamsat", Name: "Công chức giám sát", Unit: unitDept, Roles: []string{auth.RoleSurveillance}},
		{Username: "lanhdao.huunghi", Name: "Lãnh đạo Chi cục Hữu Nghị", Unit: unitHuuNghi, Roles: []string{auth.RoleLeader}},
		{Username: "trucban.huunghi", Name: "Trực ban Chi cục Hữu Nghị", Unit: unitHuuNghi, Roles: []string{auth.RoleDuty}},
		{Username: "tocongtac.huunghi", Name: "Tổ công tác Hữu Nghị", Unit: unitHuuNghi, Roles: []string{auth.RoleCrew}},
		{Username: "lanhdao.dongdang", Name: "Lãnh đạo Chi cục Đồng Đăng", Unit: unitDongDang, Roles: []string{auth.RoleLeader}},
		{Username: "trucban.dongdang", Name: "Trực ban Chi cục Đồng Đăng", Unit: unitDongDang, Roles: []string{auth.RoleDuty}},
		{Username: "tocongtac.dongdang", Name: "Tổ công tác Đồng Đăng", Unit: unitDongDang, Roles: []string{auth.RoleCrew}},
	}
	users = append(users, rosterPool()...)
	if err := d.hub.Auth().PutUsers(users, password); err != nil {
		return fmt.Errorf("demo: seed accounts: %w", err)
	}
	for _, u := range users {
		d.logins = append(d.logins, Login{Username: u.Username, Password: password, Role: u.Roles[0], Unit: u.Unit})
	}
	return nil
}

// rosterPool is each branch's pool for its duty roster beyond the accounts
// above: a deputy leader, two more duty officers and three surveillance
// officers, enough to fill the 24-hour shift every day with rest between.
func rosterPool() []auth.User {
	var out []auth.User
	for _, b := range []struct{ unit, key, name string }{{unitHuuNghi, "huunghi", "Hữu Nghị"}, {unitDongDang, "dongdang", "Đồng Đăng"}} {
		out = append(out, auth.User{Username: "phochicuc." + b.key, Name: "Phó Chi cục trưởng " + b.name, Unit: b.unit, Roles: []string{auth.RoleLeader}})
		for i, n := range []string{"Nguyễn Văn An", "Trần Thị Bình"} {
			out = append(out, auth.User{Username: fmt.Sprintf("trucban%d.%s", i+2, b.key), Name: n, Unit: b.unit, Roles: []string{auth.RoleDuty}})
		}
		for i, n := range []string{"Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"} {
			out = append(out, auth.User{Username: fmt.Sprintf("giamsat%d.%s", i+1, b.key), Name: n, Unit: b.unit, Roles: []string{auth.RoleSurveillance}})
		}
	}
	return out
}
