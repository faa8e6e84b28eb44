package server

import "github.com/prometheus/client_golang/prometheus"

// fleetCollector exposes vehicles' online state.
type fleetCollector struct{ h *Hub }

func newFleetCollector(h *Hub) *fleetCollector { return &fleetCollector{h: h} }

var descOnline = prometheus.NewDesc("fieldwatch_vehicle_online", "1 when the vehicle's control channel is up.", []string{"vehicle"}, nil)

func (c *fleetCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descOnline }

func (c *fleetCollector) Collect(ch chan<- prometheus.Metric) {
	vehicles, err := c.h.fleet.List()
	if err != nil {
		return
	}
	for _, v := range vehicles {
		on := 0.0
		if c.h.control.Status(v.ID).Online {
			on = 1
		}
		ch <- prometheus.MustNewConstMetric(descOnline, prometheus.GaugeValue, on, v.ID)
	}
}
