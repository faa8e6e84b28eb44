package live

import (
	"github.com/prometheus/client_golang/prometheus"

	"fieldwatch/hub/fleet"
)

// FleetCollector exposes vehicles' online state to Prometheus.
type FleetCollector struct {
	fleet interface {
		List() ([]fleet.Vehicle, error)
	}
	control ControlStatus
}

// NewFleetCollector builds the collector over the fleet register and the
// control channel's status.
func NewFleetCollector(f interface {
	List() ([]fleet.Vehicle, error)
}, c ControlStatus) *FleetCollector {
	return &FleetCollector{fleet: f, control: c}
}

var descOnline = prometheus.NewDesc("fieldwatch_vehicle_online", "1 when the vehicle's control channel is up.", []string{"vehicle"}, nil)

// Describe implements prometheus.Collector.
func (c *FleetCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descOnline }

// Collect implements prometheus.Collector.
func (c *FleetCollector) Collect(ch chan<- prometheus.Metric) {
	vehicles, err := c.fleet.List()
	if err != nil {
		return
	}
	for _, v := range vehicles {
		on := 0.0
		if c.control.Status(v.ID).Online {
			on = 1
		}
		ch <- prometheus.MustNewConstMetric(descOnline, prometheus.GaugeValue, on, v.ID)
	}
}
