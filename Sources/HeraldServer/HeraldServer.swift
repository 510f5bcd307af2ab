// HeraldServer: the `/v1` API, gateway callbacks and `/metrics` (DESIGN.md,
// "Modules"). The libmicrohttpd listener it will run on lives in HeraldHTTP,
// shared with the gateway simulator; the routes arrive with the server issue.
import HeraldHTTP
