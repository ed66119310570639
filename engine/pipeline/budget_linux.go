package pipeline

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// machineMemory is the physical memory, or the cgroup's memory limit when
// that is lower; 0 when neither can be read.
func machineMemory() int64 {
	var si syscall.Sysinfo_t
	var total int64
	if syscall.Sysinfo(&si) == nil {
		total = int64(si.Totalram) * int64(si.Unit)
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && v > 0 && (total == 0 || v < total) {
			total = v
		}
	}
	return total
}
