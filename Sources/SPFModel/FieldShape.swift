/// Shape of a batch of latent clips laid out [items, frames, channels, height, width] (row-major).
public struct FieldShape: Codable, Sendable, Equatable, Hashable {
    /// Independent clips (ensemble members × funneled branches).
    public var items: Int
    /// Frames per clip (T).
    public var frames: Int
    /// Variables (C).
    public var channels: Int
    /// Grid rows (h).
    public var height: Int
    /// Grid columns (w).
    public var width: Int

    /// Creates a shape.
    public init(items: Int, frames: Int, channels: Int, height: Int, width: Int) {
        self.items = items
        self.frames = frames
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Number of elements.
    public var count: Int { items * frames * channels * height * width }
    /// Elements per clip.
    public var perItem: Int { frames * channels * height * width }
    /// The shape as an array [I, T, C, h, w].
    public var dims: [Int] { [items, frames, channels, height, width] }
}
