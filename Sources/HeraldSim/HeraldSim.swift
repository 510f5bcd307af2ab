// HeraldSim: the loopback gateway simulator (DESIGN.md, "Modules").
//
// It will speak every gateway API Herald's adapters use, on libmicrohttpd,
// with seeded latency, acceptance and fault injection, and call Herald back
// with receipts. See docs/ARCHITECTURE.md for what exists today.
import CMicroHTTPD
import HeraldCore
