/// A growable buffer of plain values in manually managed memory: the scratch space of
/// one match, reused from match to match (see `MatchScratch`) so matching an event
/// allocates nothing.
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        pointer[count] = element
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard !elements.isEmpty else { return }
        if count + elements.count > capacity { grow(to: count + elements.count) }
        (pointer + count).update(from: elements.baseAddress!, count: elements.count)
        count += elements.count
    }

    /// Makes room for `total` elements, keeping the first `count`.
    mutating func grow(to total: Int) {
        guard total > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < total { newCapacity *= 2 }
        let newPointer = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newPointer.update(from: pointer, count: count)
        pointer.deallocate()
        pointer = newPointer
        capacity = newCapacity
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { pointer[index] }
        nonmutating set { pointer[index] = newValue }
    }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: pointer, count: count) }

    func free() { pointer.deallocate() }
}
