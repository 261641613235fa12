// The libFuzzer entry points. scripts/fuzz compiles this file into module SecrCore together with
// the library's sources and the targets shared with the regression tests
// (Tests/SecrCoreTests/Fuzz/FuzzTargets.swift), with -sanitize=fuzzer,address.
import Glibc

/// The target of this process, from $SECR_FUZZ_TARGET (one binary for all targets: the
/// sanitized build of the library is the slow part).
nonisolated(unsafe) private var selectedTarget = FuzzTarget.environment
/// $SECR_FUZZ_VERBOSE=1: print each refusal (to see how far a seed gets).
nonisolated(unsafe) private var verbose = false

@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    guard let name = getenv("SECR_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        fail("set SECR_FUZZ_TARGET to one of: \(names)")
    }
    selectedTarget = target
    verbose = getenv("SECR_FUZZ_VERBOSE").map { String(cString: $0) == "1" } ?? false
    if case .failure(let error) = FuzzFixtures.shared {
        fail("the fixtures do not load: \(error)")
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try selectedTarget.run(bytes)
    } catch let error as SecrError {
        // A refusal: what every hostile input should get.
        if verbose { say("refused: \(error)") }
    } catch {
        fatalError("secr-fuzz \(selectedTarget.rawValue): not a SecrError: \(error)")
    }
    return 0
}

private func say(_ message: String) {
    var text = "secr-fuzz: \(message)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

private func fail(_ message: String) -> Never {
    say(message)
    exit(2)
}
