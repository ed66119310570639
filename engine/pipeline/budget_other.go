//go:build !linux

package pipeline

// machineMemory is unknown off Linux: the budget falls back to its default.
func machineMemory() int64 { return 0 }
