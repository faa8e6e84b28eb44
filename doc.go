// Package fieldwatch is the root of the fieldwatch module: customs online
// surveillance with command vehicles (vehicle/) streaming to a duty hub
// (hub/). It holds only whole-module tests, such as the architecture rules.
package fieldwatch
