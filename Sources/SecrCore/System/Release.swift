/// This build's version: what `secr --version` prints, and part of what a read snapshot is
/// bound to, so that a new release, whose rules may differ, reads every store in full once.
package enum Release {
    package static let version = "0.2.0"
}
