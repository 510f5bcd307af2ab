// HeraldDispatch: where Herald works (DESIGN.md, "Modules").
//
// This module will hold the `Dispatcher` (a worker group per queue on
// Dispatch), `Fanout` (broadcast → deliveries → jobs), `Escalator`,
// `ReceiptProcessor` and `Reminders`. It builds on HeraldStore's job queue and
// HeraldChannels' adapters; see docs/ARCHITECTURE.md for what exists today.
import HeraldChannels
import HeraldCore
import HeraldStore
