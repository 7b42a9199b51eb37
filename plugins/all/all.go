// Package all blank-imports every compiled-in tool, so that each registers
// itself with the plugin registry. Only main imports it: a package that
// needs one tool imports that tool, and tests import the tools they test.
package all

import (
	_ "github.com/riposte-civic/riposte/plugins/contrediscours"
	_ "github.com/riposte-civic/riposte/plugins/portesouvertes"
	_ "github.com/riposte-civic/riposte/plugins/rumeur"
	_ "github.com/riposte-civic/riposte/plugins/signalement"
)
