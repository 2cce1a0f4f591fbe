package packets

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sendAll sends n numbered packets, one per gap, and takes out every copy.
func sendAll(t *testing.T, cond SimulatedConditions, seed uint64, n int, gap time.Duration) ([]SimulatedFate, []SimulatedArrival, *SimulatedLink) {
	t.Helper()
	l, err := NewSimulatedLink(cond, rand.NewPCG(seed, 0))
	if err != nil {
		t.Fatal(err)
	}
	var fates []SimulatedFate
	for i := range n {
		fates = append(fates, l.Send(time.Duration(i)*gap, []byte{byte(i)}))
	}
	var got []SimulatedArrival
	for {
		a, ok := l.Next()
		if !ok {
			break
		}
		got = append(got, a)
	}
	return fates, got, l
}

func TestSimulatedLinkPerfect(t *testing.T) {
	cond := SimulatedConditions{Delay: 10 * time.Millisecond}
	_, got, l := sendAll(t, cond, 1, 5, time.Millisecond)
	if len(got) != 5 {
		t.Fatalf("%d arrivals, want 5", len(got))
	}
	for i, a := range got {
		if a.SendNo != i+1 || a.Packet[0] != byte(i) || a.At != time.Duration(i)*time.Millisecond+10*time.Millisecond || a.Reordered {
			t.Errorf("arrival %d = %+v, want packet %d at %v, in order", i, a, i+1, time.Duration(i)*time.Millisecond+10*time.Millisecond)
		}
	}
	if want := (SimulatedLinkStats{Sent: 5, Delivered: 5}); l.Stats() != want {
		t.Errorf("Stats() = %+v, want %+v", l.Stats(), want)
	}
}

// TestSimulatedLinkPacketGap: a burst leaves one packet per gap.
func TestSimulatedLinkPacketGap(t *testing.T) {
	cond := SimulatedConditions{Delay: 5 * time.Millisecond, PacketGap: time.Millisecond}
	_, got, _ := sendAll(t, cond, 1, 3, 0)
	for i, a := range got {
		if want := 5*time.Millisecond + time.Duration(i)*time.Millisecond; a.At != want {
			t.Errorf("packet %d arrived at %v, want %v", a.SendNo, a.At, want)
		}
	}
}

func TestSimulatedLinkFaults(t *testing.T) {
	cond := SimulatedConditions{LossPercent: 20, DuplicatePercent: 10, ReorderPercent: 20,
		ReorderWindow: 20 * time.Millisecond, Delay: 10 * time.Millisecond, Jitter: time.Millisecond}
	const n = 20000
	fates, got, l := sendAll(t, cond, 7, n, time.Millisecond)
	st := l.Stats()
	if st.Sent+st.Duplicated != st.Lost+st.Delivered+st.InFlight || st.InFlight != 0 || st.Delivered != len(got) {
		t.Errorf("counters do not add up: %+v, %d arrivals", st, len(got))
	}
	near := func(name string, got int, want float64) {
		if math.Abs(float64(got)-want) > 0.1*want {
			t.Errorf("%s: %d, want about %.0f", name, got, want)
		}
	}
	near("lost", st.Lost, 0.2*n)
	near("duplicated", st.Duplicated, 0.1*0.8*n)
	if st.Reordered == 0 {
		t.Error("nothing was reordered")
	}
	// Every fate came true, and Reordered means what it says.
	copies := 0
	latest := 0
	for i, a := range got {
		if i > 0 && a.At < got[i-1].At {
			t.Fatalf("arrival %d at %v before the previous one at %v", i, a.At, got[i-1].At)
		}
		f := fates[a.SendNo-1]
		if f.Lost || a.Copy > len(f.Arrivals) || f.Arrivals[a.Copy-1] != a.At {
			t.Fatalf("packet %d copy %d arrived at %v; its fate said %+v", a.SendNo, a.Copy, a.At, f)
		}
		if a.Reordered != (a.SendNo < latest) {
			t.Fatalf("packet %d: Reordered %v after packet %d", a.SendNo, a.Reordered, latest)
		}
		latest = max(latest, a.SendNo)
		copies++
	}
	if copies != n-st.Lost+st.Duplicated {
		t.Errorf("%d copies arrived, want %d", copies, n-st.Lost+st.Duplicated)
	}
}

// TestSimulatedLinkRepeats: the same seed gives the same run; another seed
// another one.
func TestSimulatedLinkRepeats(t *testing.T) {
	cond := SimulatedConditions{LossPercent: 30, DuplicatePercent: 30, ReorderPercent: 30,
		ReorderWindow: 5 * time.Millisecond, Delay: time.Millisecond, Jitter: time.Millisecond}
	_, a, _ := sendAll(t, cond, 42, 100, time.Millisecond)
	_, b, _ := sendAll(t, cond, 42, 100, time.Millisecond)
	_, c, _ := sendAll(t, cond, 43, 100, time.Millisecond)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave two different runs")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("two seeds gave the same run")
	}
}

// TestSimulatedLinkDrawsInStep: changing the loss rate does not change the
// delays of the packets that still arrive.
func TestSimulatedLinkDrawsInStep(t *testing.T) {
	cond := SimulatedConditions{Delay: time.Millisecond, Jitter: time.Millisecond}
	_, all, _ := sendAll(t, cond, 5, 50, time.Millisecond)
	cond.LossPercent = 50
	_, some, _ := sendAll(t, cond, 5, 50, time.Millisecond)
	at := map[int]time.Duration{}
	for _, a := range all {
		at[a.SendNo] = a.At
	}
	for _, a := range some {
		if at[a.SendNo] != a.At {
			t.Errorf("packet %d arrives at %v with loss, %v without", a.SendNo, a.At, at[a.SendNo])
		}
	}
}

func TestSimulatedLinkKeepsItsOwnCopy(t *testing.T) {
	l, _ := NewSimulatedLink(SimulatedConditions{}, rand.NewPCG(1, 1))
	p := []byte("abc")
	l.Send(0, p)
	copy(p, "xyz")
	if a, _ := l.Next(); string(a.Packet) != "abc" {
		t.Errorf("arrived %q, want \"abc\"", a.Packet)
	}
}

func TestSimulatedConditionsValidate(t *testing.T) {
	for _, c := range []SimulatedConditions{
		{LossPercent: -1}, {DuplicatePercent: 101}, {ReorderPercent: math.NaN()},
		{Delay: -1}, {Jitter: -1}, {ReorderWindow: -1}, {PacketGap: -1},
	} {
		if _, err := NewSimulatedLink(c, rand.NewPCG(1, 1)); !errors.Is(err, ErrSimulatedConditions) {
			t.Errorf("NewSimulatedLink(%+v) error = %v, want ErrSimulatedConditions", c, err)
		}
	}
}

// TestSimulatedSaysSo: everything the simulated link prints says it is
// simulated.
func TestSimulatedSaysSo(t *testing.T) {
	for _, s := range []string{
		SimulatedArrival{SendNo: 1, Copy: 2, Reordered: true}.String(),
		SimulatedFate{Lost: true}.String(),
		SimulatedFate{Arrivals: []time.Duration{1}}.String(),
		SimulatedFate{Arrivals: []time.Duration{1, 2}}.String(),
	} {
		if !strings.Contains(s, "simulated") {
			t.Errorf("%q does not say it is simulated", s)
		}
	}
}
