package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"fieldwatch/hub/calendar"
)

// seedRosters makes and publishes each branch's duty roster from yesterday
// for four weeks, through the hub's API as the branch's leader, the way an
// office would.
func (d *Demo) seedRosters(ctx context.Context, password string) error {
	today := time.Now().In(calendar.Zone)
	from := today.AddDate(0, 0, -1).Format(time.DateOnly)
	to := today.AddDate(0, 0, 27).Format(time.DateOnly)
	for _, b := range []struct{ unit, leader string }{{unitHuuNghi, "lanhdao.huunghi"}, {unitDongDang, "lanhdao.dongdang"}} {
		var made struct {
			ID string `json:"id"`
		}
		body := fmt.Sprintf(`{"unit":%q,"from":%q,"to":%q}`, b.unit, from, to)
		if err := d.call(ctx, b.leader, password, "POST", "/api/v1/rosters", body, &made); err != nil {
			return fmt.Errorf("demo: roster of %s: %w", b.unit, err)
		}
		if err := d.call(ctx, b.leader, password, "POST", "/api/v1/rosters/"+made.ID+"/publish", "", nil); err != nil {
			return fmt.Errorf("demo: publish roster of %s: %w", b.unit, err)
		}
	}
	return nil
}

// call logs in as username and makes one API call, decoding the answer
// into out when it is not nil.
func (d *Demo) call(ctx context.Context, username, password, method, path, body string, out any) error {
	token, err := d.token(ctx, username, password)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, d.url+path[1:], bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return do(req, out)
}

// token logs username in, once per demo.
func (d *Demo) token(ctx context.Context, username, password string) (string, error) {
	d.tokMu.Lock()
	defer d.tokMu.Unlock()
	if t, ok := d.tokens[username]; ok {
		return t, nil
	}
	b, _ := json.Marshal(map[string]string{"username": username, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", d.url+"api/v1/auth/login", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	var got struct {
		Token string `json:"token"`
	}
	if err := do(req, &got); err != nil {
		return "", fmt.Errorf("log in as %s: %w", username, err)
	}
	if d.tokens == nil {
		d.tokens = map[string]string{}
	}
	d.tokens[username] = got.Token
	return got.Token, nil
}

var seedClient = &http.Client{Timeout: 30 * time.Second}

func do(req *http.Request, out any) error {
	resp, err := seedClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %.300s", req.Method, req.URL.Path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
