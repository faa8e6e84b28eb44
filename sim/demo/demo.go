// Package demo assembles a hub and simulated vehicles in one process: the
// `fieldwatch demo` command and the end-to-end tests. The vehicles are
// real vehicle nodes reading real RTSP (from simulated cameras) and
// publishing over real WebRTC; only their network link is simulated, so
// it can be cut and restored on demand.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fieldwatch/hub/auth"
	"fieldwatch/hub/fleet"
	"fieldwatch/hub/server"
	"fieldwatch/protocol"
	"fieldwatch/sim/camera"
	"fieldwatch/sim/gps"
	"fieldwatch/sim/link"
	"fieldwatch/sim/seistamp"
	"fieldwatch/vehicle/node"
)

// Options configure a demo.
type Options struct {
	HTTPAddr          string // default 127.0.0.1:8080; tests use 127.0.0.1:0
	DataDir           string // default: a new temporary directory
	Vehicles          int    // default 3
	CamerasPerVehicle int    // default 2
	Password          string // every seeded account's password; default random
	// Outages cuts random vehicles' links now and then (never by default).
	Outages bool
	Logger  *slog.Logger
	// Vehicle adjusts each vehicle's configuration (tests: segment length, sync pace). Optional.
	Vehicle func(*node.Config)

	outages outageTiming // tests shorten it
}

// Login is a seeded account.
type Login struct {
	Username, Password, Role, Unit string
}

// Demo is a running demo.
type Demo struct {
	url      string
	logins   []Login
	tokMu    sync.Mutex        // guards tokens
	tokens   map[string]string // seeding sessions by username
	hub      *server.Hub
	cams     *camera.Server
	vehicles map[string]*vehicle
	order    []string
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	log      *slog.Logger
	tempDir  string
}

type vehicle struct {
	id   string
	link *link.Link
	node *node.Node
}

// cameraNames name the simulated cameras of a vehicle, in order.
var cameraNames = []string{"Camera trước", "Camera sau", "Camera trái", "Camera phải"}

// Start starts a demo hub and its simulated vehicles.
func Start(ctx context.Context, opts Options) (*Demo, error) {
	if opts.HTTPAddr == "" {
		opts.HTTPAddr = "127.0.0.1:8080"
	}
	if opts.Vehicles <= 0 {
		opts.Vehicles = 3
	}
	if opts.Vehicles > 50 {
		return nil, errors.New("demo: at most 50 vehicles")
	}
	if opts.CamerasPerVehicle <= 0 {
		opts.CamerasPerVehicle = 2
	}
	if opts.CamerasPerVehicle > len(cameraNames) {
		return nil, fmt.Errorf("demo: at most %d cameras per vehicle", len(cameraNames))
	}
	if opts.Password == "" {
		opts.Password = randomPassword()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	d := &Demo{log: opts.Logger, vehicles: map[string]*vehicle{}}
	if opts.DataDir == "" {
		dir, err := os.MkdirTemp("", "fieldwatch-demo-")
		if err != nil {
			return nil, fmt.Errorf("demo: data dir: %w", err)
		}
		opts.DataDir, d.tempDir = dir, dir
	}
	ctx, d.cancel = context.WithCancel(ctx)
	if err := d.start(ctx, opts); err != nil {
		d.Close()
		return nil, err
	}
	if opts.Outages {
		if opts.outages == (outageTiming{}) {
			opts.outages = defaultOutages
		}
		d.wg.Add(1)
		go d.randomOutages(ctx, opts.outages)
	}
	return d, nil
}

func (d *Demo) start(ctx context.Context, opts Options) error {
	var paths []string
	for i := 1; i <= opts.Vehicles; i++ {
		for c := 1; c <= opts.CamerasPerVehicle; c++ {
			paths = append(paths, fmt.Sprintf("xe-%02d/cam%d", i, c))
		}
	}
	cams, err := camera.Start(ctx, camera.Config{Addr: "127.0.0.1:0", Paths: paths, Logger: d.log.With("component", "sim-camera")})
	if err != nil {
		return fmt.Errorf("demo: cameras: %w", err)
	}
	d.cams = cams

	cfg := server.DefaultConfig()
	cfg.Name = "trung-tam-demo"
	cfg.DataDir = filepath.Join(opts.DataDir, "hub")
	cfg.HTTP.Addr = opts.HTTPAddr
	cfg.HTTP.TLS = "off" // the demo runs on one machine: plain HTTP, as its printed URL says
	cfg.WebRTC.LoopbackOnly = true
	tokens := map[string]string{}
	for i := 1; i <= opts.Vehicles; i++ {
		id := fmt.Sprintf("xe-%02d", i)
		v := server.VehicleConfig{ID: id, Name: vehicleName(i), Unit: unitOf(i), Token: auth.NewToken()}
		for c := 1; c <= opts.CamerasPerVehicle; c++ {
			v.Cameras = append(v.Cameras, server.CameraConfig{ID: fmt.Sprintf("cam%d", c), Name: cameraNames[c-1]})
		}
		cfg.Vehicles = append(cfg.Vehicles, v)
		tokens[id] = v.Token
	}
	hub, err := server.New(server.Options{
		Config: cfg, Logger: d.log, StampParser: seistamp.Parse, AdminPassword: opts.Password,
		Demo: &server.DemoHooks{SetLink: d.SetLink, LinkUp: d.linkUp},
	})
	if err != nil {
		return err
	}
	d.hub = hub
	// A demo started again on its own data keeps it: passwords, locks,
	// rosters and everything done since are as they were left.
	seeded := d.seeded()
	if seeded {
		d.log.Info("demo: data kept from an earlier run; passwords are as they were left", "dir", opts.DataDir)
		if err := d.keptLogins(); err != nil {
			return err
		}
	} else if err := d.seed(opts.Password); err != nil {
		return err
	}
	ln, err := hub.Listen()
	if err != nil {
		return err
	}
	d.url = "http://" + ln.Addr().String() + "/"
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := hub.Serve(ctx, ln); err != nil {
			d.log.Error("demo hub stopped", "err", err)
		}
	}()

	for i, vc := range cfg.Vehicles {
		l := link.New()
		route := gps.Route(i)
		nc := node.DefaultConfig()
		nc.ID, nc.Name, nc.Hub, nc.Token = vc.ID, vc.Name, "http://"+ln.Addr().String(), tokens[vc.ID]
		nc.DataDir = filepath.Join(opts.DataDir, vc.ID)
		nc.LoopbackOnly = true
		for _, c := range vc.Cameras {
			nc.Cameras = append(nc.Cameras, node.CameraConfig{ID: c.ID, Name: c.Name, URL: cams.URL(vc.ID + "/" + c.ID), Transport: "tcp"})
		}
		if opts.Vehicle != nil {
			opts.Vehicle(&nc)
		}
		n, err := node.New(node.Params{
			Config: nc, Logger: d.log, Net: l.Net(), Dial: l.DialContext,
			GPS: func(now time.Time) *protocol.GPSFix { f := route.At(now); return &f },
		})
		if err != nil {
			return err
		}
		v := &vehicle{id: vc.ID, link: l, node: n}
		d.vehicles[vc.ID] = v
		d.order = append(d.order, vc.ID)
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			_ = n.Run(ctx)
		}()
	}
	if seeded {
		return nil
	}
	if err := d.seedRosters(ctx, opts.Password); err != nil {
		return err
	}
	return d.seedWatch(ctx, opts.Password)
}

// Node returns a simulated vehicle's node (tests look at its recorder).
func (d *Demo) Node(vehicle string) *node.Node {
	if v := d.vehicles[vehicle]; v != nil {
		return v.node
	}
	return nil
}

// URL is the console address, e.g. http://127.0.0.1:8080/.
func (d *Demo) URL() string { return d.url }

// Logins lists the seeded accounts.
func (d *Demo) Logins() []Login { return d.logins }

// VehicleIDs lists the simulated vehicles.
func (d *Demo) VehicleIDs() []string { return d.order }

// Hub gives the running hub.
func (d *Demo) Hub() *server.Hub { return d.hub }

// SetLink cuts (up=false) or restores a simulated vehicle's link: media,
// control and sync alike.
func (d *Demo) SetLink(id string, up bool) error {
	v, ok := d.vehicles[id]
	if !ok {
		return fmt.Errorf("%w: %q", fleet.ErrUnknownVehicle, id)
	}
	v.link.SetUp(up)
	return nil
}

// Link returns a simulated vehicle's link (tests shape or inspect it).
func (d *Demo) Link(id string) *link.Link {
	if v := d.vehicles[id]; v != nil {
		return v.link
	}
	return nil
}

// SetCamera takes a simulated camera offline (as if it lost power) or back.
func (d *Demo) SetCamera(vehicle, camera string, online bool) error {
	if _, ok := d.vehicles[vehicle]; !ok {
		return fmt.Errorf("%w: %q", fleet.ErrUnknownVehicle, vehicle)
	}
	d.cams.SetOnline(vehicle+"/"+camera, online)
	return nil
}

func (d *Demo) linkUp(id string) (bool, bool) {
	v, ok := d.vehicles[id]
	if !ok {
		return false, false
	}
	return v.link.Up(), true
}

// Close stops everything and waits.
func (d *Demo) Close() error {
	d.cancel()
	d.wg.Wait()
	var errs []error
	if d.hub != nil {
		errs = append(errs, d.hub.Close())
	}
	if d.cams != nil {
		errs = append(errs, d.cams.Close())
	}
	if d.tempDir != "" {
		errs = append(errs, os.RemoveAll(d.tempDir))
	}
	return errors.Join(errs...)
}

func randomPassword() string {
	const letters = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(letters))))
		b[i] = letters[n.Int64()]
	}
	return string(b)
}
