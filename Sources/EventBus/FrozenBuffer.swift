/// An immutable copy of an array of plain values in memory the owner frees explicitly.
///
/// The matching engine reads its tables through these rather than through Swift arrays
/// so that the hot loop does no reference counting at all; the owner (`CompiledRuleSet`)
/// creates them in `init`, never writes them again, and frees them in `deinit`.
struct FrozenBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    // Safe to share: written only while the owner initialises, read-only afterwards.
    let pointer: UnsafeBufferPointer<Element>

    init(_ array: [Element]) {
        let storage = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
        _ = storage.initialize(from: array)
        pointer = UnsafeBufferPointer(start: storage.baseAddress, count: array.count)
    }

    @inline(__always)
    subscript(index: Int) -> Element { pointer[index] }

    @inline(__always)
    subscript(index: Int32) -> Element { pointer[Int(index)] }

    var count: Int { pointer.count }

    func free() {
        UnsafeMutableRawPointer(mutating: pointer.baseAddress!).deallocate()
    }
}

/// A range of a pool: bytes of a string, entries of a list.
struct Span: BitwiseCopyable, Equatable, Sendable {
    var start: Int32
    var count: Int32

    static let empty = Span(start: 0, count: 0)

    var end: Int32 { start + count }
}
