// The request headers the HTTP clients send: what a browser sends by
// default, or what a minimal client sends. Header sizes decide this
// comparison, so both are measured from real clients, not invented.

package compare

import (
	"fmt"

	"netlab/httpdemo"
)

// HeaderStyle says which request headers the HTTP clients send.
type HeaderStyle string

// The two header styles.
const (
	// BrowserHeaders are what headless Chromium 156 sent for a fetch() of
	// /poll?since=0 from a page on the same server, on loopback, with no
	// cookies: recorded byte for byte on this machine (2026-11-25) and
	// checked against a real Chromium by TestBrowserHeadersMatchChromium
	// when Chromium is installed. 499 bytes with a 5-digit port and that path.
	BrowserHeaders HeaderStyle = "browser"
	// MinimalHeaders are what Go's own net/http client sends: Host,
	// User-Agent and Accept-Encoding, about a hundred bytes.
	MinimalHeaders HeaderStyle = "minimal"
)

// ParseHeaderStyle reads "browser" or "minimal".
func ParseHeaderStyle(s string) (HeaderStyle, error) {
	switch HeaderStyle(s) {
	case BrowserHeaders, MinimalHeaders:
		return HeaderStyle(s), nil
	}
	return "", fmt.Errorf("headers %q: want browser or minimal", s)
}

// RequestFields returns the fields of a GET for target, in the order the
// client sends them. accept overrides Accept (SSE asks for
// text/event-stream); close adds Connection: close.
func RequestFields(style HeaderStyle, host, accept string, close bool) httpdemo.Fields {
	var fs httpdemo.Fields
	switch style {
	case MinimalHeaders:
		fs = httpdemo.Fields{
			{Name: "Host", Value: host},
			{Name: "User-Agent", Value: "Go-http-client/1.1"},
		}
		if accept != "" {
			fs = append(fs, httpdemo.Field{Name: "Accept", Value: accept})
		}
		if close {
			fs = append(fs, httpdemo.Field{Name: "Connection", Value: "close"})
		}
		return append(fs, httpdemo.Field{Name: "Accept-Encoding", Value: "gzip"})
	default:
		if accept == "" {
			accept = "*/*"
		}
		conn := "keep-alive"
		if close {
			conn = "close"
		}
		return httpdemo.Fields{
			{Name: "Host", Value: host},
			{Name: "Connection", Value: conn},
			{Name: "sec-ch-ua-platform", Value: `"Linux"`},
			{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"},
			{Name: "sec-ch-ua", Value: `"Not:A-Brand";v="8", "Chromium";v="156"`},
			{Name: "sec-ch-ua-mobile", Value: "?0"},
			{Name: "Accept", Value: accept},
			{Name: "Sec-Fetch-Site", Value: "same-origin"},
			{Name: "Sec-Fetch-Mode", Value: "cors"},
			{Name: "Sec-Fetch-Dest", Value: "empty"},
			{Name: "Referer", Value: "http://" + host + "/"},
			{Name: "Accept-Encoding", Value: "gzip, deflate, br, zstd"},
			{Name: "Accept-Language", Value: "en-US,en;q=0.9"},
		}
	}
}
