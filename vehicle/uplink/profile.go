package uplink

import "fmt"

// defaultProfileLevelID is offered until the camera's SPS is known:
// Constrained Baseline, level 3.1.
const defaultProfileLevelID = "42e01f"

// profileLevelID derives the SDP profile-level-id (RFC 6184 Sec. 8.1) from
// an SPS NAL unit, so the hub and browsers negotiate what the camera really
// sends (IP cameras mostly send Main or High). Constraint flags are
// normalised to the common forms, which is what SDP codec matching compares.
func profileLevelID(sps []byte) (string, bool) {
	if len(sps) < 4 || sps[0]&0x1f != 7 {
		return "", false
	}
	profile, constraints, level := sps[1], sps[2], sps[3]
	switch profile {
	case 66: // Baseline: Constrained Baseline when constraint_set1 is set.
		if constraints&0x40 != 0 {
			constraints = 0xe0
		} else {
			constraints = 0x00
		}
	case 77, 100: // Main, High
		constraints = 0x00
	}
	if level == 0 {
		return "", false
	}
	return fmt.Sprintf("%02x%02x%02x", profile, constraints, level), true
}

// spsOf returns the SPS of an access unit, if it carries one.
func spsOf(au [][]byte) []byte {
	for _, n := range au {
		if len(n) > 0 && n[0]&0x1f == 7 {
			return n
		}
	}
	return nil
}
