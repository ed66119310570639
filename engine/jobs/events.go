package jobs

import (
	"slices"
	"sync"
)

// EventKind says what happened to a job.
type EventKind int

const (
	Submitted EventKind = iota
	Started
	Progressed
	Finished
)

// Event tells a subscriber that a job changed; read the job for details.
type Event struct {
	Job  *Job
	Kind EventKind
}

// Subscribe returns a channel of events for the UI and a function that ends
// the subscription. The worker never waits for a reader: events queue up
// behind a slow one, except that a job has at most one Progressed event
// waiting (its latest progress is read from the job anyway). The channel is
// closed after stop, or after Close once every pending event is read.
func (w *Worker) Subscribe() (events <-chan Event, stop func()) {
	s := &subscriber{
		out:  make(chan Event),
		wake: make(chan struct{}, 1),
		quit: make(chan struct{}),
	}
	go s.forward()
	// Holding w.mu orders this against Close: either Close sees s in subs,
	// or s sees closed.
	w.mu.Lock()
	w.subMu.Lock()
	if w.closed {
		s.end()
	} else {
		w.subs = append(w.subs, s)
	}
	w.subMu.Unlock()
	w.mu.Unlock()
	stop = func() {
		s.once.Do(func() { close(s.quit) })
		w.subMu.Lock()
		defer w.subMu.Unlock()
		w.subs = slices.DeleteFunc(w.subs, func(o *subscriber) bool { return o == s })
	}
	return s.out, stop
}

// emit hands ev to every subscriber without blocking.
func (w *Worker) emit(ev Event) {
	w.subMu.Lock()
	defer w.subMu.Unlock()
	for _, s := range w.subs {
		s.push(ev)
	}
}

// subscriber queues events for one reader; its goroutine feeds out.
type subscriber struct {
	out  chan Event
	wake chan struct{} // holds a token while pending may be non-empty
	quit chan struct{}
	once sync.Once

	mu      sync.Mutex
	pending []Event
	ending  bool // the worker closed: close out once pending drains
}

func (s *subscriber) push(ev Event) {
	s.mu.Lock()
	if ev.Kind == Progressed && slices.Contains(s.pending, ev) {
		s.mu.Unlock()
		return
	}
	s.pending = append(s.pending, ev)
	s.mu.Unlock()
	s.poke()
}

func (s *subscriber) end() {
	s.mu.Lock()
	s.ending = true
	s.mu.Unlock()
	s.poke()
}

func (s *subscriber) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) forward() {
	defer close(s.out)
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			ending := s.ending
			s.mu.Unlock()
			if ending {
				return
			}
			select {
			case <-s.wake:
			case <-s.quit:
				return
			}
			continue
		}
		ev := s.pending[0]
		s.pending = s.pending[1:]
		s.mu.Unlock()
		select {
		case s.out <- ev:
		case <-s.quit:
			return
		}
	}
}
