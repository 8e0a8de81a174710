import Foundation

/// Remapping methods.
public enum RegridMethod: String, Sendable, CaseIterable, Codable {
    /// First-order conservative: exact overlaps of lat–lon rectangles on the sphere
    /// (longitude overlap × overlap in sin(latitude)), normalised per destination cell (CDO remapcon).
    case conservative
    /// Bilinear in longitude and latitude between the four surrounding source centres (CDO remapbil).
    case bilinear
}

/// Sparse remapping weights from one lat–lon grid to another, computed once and applied to any
/// number of fields. Stored as compressed rows (one row per destination cell).
///
/// Shape contract: `rowStart.count == destination.size + 1`; `columns[k]` indexes the source
/// grid row-major `[lat, lon]`; `weights` of a row sum to 1 (or the row is empty when no source
/// cell overlaps the destination cell, which then gets NaN).
public struct RegridWeights: Sendable, Equatable {
    /// Source grid.
    public var source: LatLonGrid
    /// Destination grid.
    public var destination: LatLonGrid
    /// The method.
    public var method: RegridMethod
    /// Start of each destination row in `columns`/`weights`; `destination.size + 1` entries.
    public var rowStart: [Int]
    /// Source cell of each link.
    public var columns: [Int32]
    /// Weight of each link.
    public var weights: [Double]

    /// Creates weights from their parts; `.mismatch` error if the arrays are inconsistent.
    public init(source: LatLonGrid, destination: LatLonGrid, method: RegridMethod, rowStart: [Int], columns: [Int32], weights: [Double]) throws(ClimateDataError) {
        guard rowStart.count == destination.size + 1, rowStart.first == 0, rowStart.last == columns.count, columns.count == weights.count,
              columns.allSatisfy({ $0 >= 0 && Int($0) < source.size }) else {
            throw ClimateDataError(.mismatch, "regrid weights are inconsistent with the grids (\(source) -> \(destination))")
        }
        self.source = source; self.destination = destination; self.method = method
        self.rowStart = rowStart; self.columns = columns; self.weights = weights
    }

    /// Number of links (non-zero weights).
    public var linkCount: Int { columns.count }

    /// Computes weights from `source` to `destination`.
    public static func compute(from source: LatLonGrid, to destination: LatLonGrid, method: RegridMethod) throws(ClimateDataError) -> RegridWeights {
        switch method {
        case .conservative: return try conservative(source, destination)
        case .bilinear: return try bilinear(source, destination)
        }
    }

    /// Overlap length of [a0, a1] and [b0, b1] in degrees of longitude, trying the ±360° images of b.
    static func lonOverlap(_ a0: Double, _ a1: Double, _ b0: Double, _ b1: Double) -> Double {
        var total = 0.0
        for k in -2...2 {
            let s = Double(k) * 360
            let o = min(a1, b1 + s) - max(a0, b0 + s)
            if o > 0 { total += o }
        }
        return min(total, a1 - a0, b1 - b0)
    }

    static func conservative(_ src: LatLonGrid, _ dst: LatLonGrid) throws(ClimateDataError) -> RegridWeights {
        let deg = Double.pi / 180
        // Separable overlaps: latitude in sin(lat), longitude in radians.
        var latOv: [[(Int, Double)]] = Array(repeating: [], count: dst.nlat)
        for j in 0..<dst.nlat {
            let d0 = dst.latBounds[2 * j], d1 = dst.latBounds[2 * j + 1]
            for l in 0..<src.nlat {
                let lo = max(d0, src.latBounds[2 * l]), hi = min(d1, src.latBounds[2 * l + 1])
                if hi > lo { latOv[j].append((l, sin(hi * deg) - sin(lo * deg))) }
            }
        }
        var lonOv: [[(Int, Double)]] = Array(repeating: [], count: dst.nlon)
        for i in 0..<dst.nlon {
            let d0 = dst.lonBounds[2 * i], d1 = dst.lonBounds[2 * i + 1]
            for k in 0..<src.nlon {
                let o = lonOverlap(d0, d1, src.lonBounds[2 * k], src.lonBounds[2 * k + 1])
                if o > 0 { lonOv[i].append((k, o * deg)) }
            }
        }
        var rowStart = [0], cols: [Int32] = [], w: [Double] = []
        rowStart.reserveCapacity(dst.size + 1)
        for j in 0..<dst.nlat {
            for i in 0..<dst.nlon {
                var sum = 0.0
                for (_, a) in latOv[j] { for (_, b) in lonOv[i] { sum += a * b } }
                if sum > 0 {
                    for (l, a) in latOv[j] {
                        for (k, b) in lonOv[i] {
                            cols.append(Int32(l * src.nlon + k)); w.append(a * b / sum)
                        }
                    }
                }
                rowStart.append(cols.count)
            }
        }
        return try RegridWeights(source: src, destination: dst, method: .conservative, rowStart: rowStart, columns: cols, weights: w)
    }

    static func bilinear(_ src: LatLonGrid, _ dst: LatLonGrid) throws(ClimateDataError) -> RegridWeights {
        guard src.nlat >= 2, src.nlon >= 2 else {
            throw ClimateDataError(.unsupported, "bilinear remapping needs at least 2x2 source points (source is \(src))")
        }
        let periodic = src.isGlobalInLongitude
        var rowStart = [0], cols: [Int32] = [], w: [Double] = []
        // Source longitudes extended by one wrap point when periodic.
        var lons = src.lon
        if periodic { lons.append(src.lon[0] + 360) }
        for j in 0..<dst.nlat {
            let phi = dst.lat[j]
            // Poleward of the outermost source row there is no surrounding quadrilateral: like CDO,
            // use the inverse-distance-weighted average of the 4 nearest source points on a global
            // grid, and leave the point missing on a regional one.
            if phi < src.lat[0] || phi > src.lat[src.nlat - 1] {
                guard periodic else {
                    for _ in 0..<dst.nlon { rowStart.append(cols.count) }
                    continue
                }
                let rows = phi < src.lat[0] ? [0, 1] : [src.nlat - 1, src.nlat - 2]
                for i in 0..<dst.nlon {
                    let links = nearestFour(src, rows: rows, lat: phi, lon: dst.lon[i])
                    for (c, wt) in links { cols.append(Int32(c)); w.append(wt) }
                    rowStart.append(cols.count)
                }
                continue
            }
            var l0 = 0, t = 0.0
            do {
                var lo = 0, hi = src.nlat - 1
                while hi - lo > 1 { let mid = (lo + hi) / 2; if src.lat[mid] <= phi { lo = mid } else { hi = mid } }
                l0 = lo; t = (phi - src.lat[lo]) / (src.lat[lo + 1] - src.lat[lo])
            }
            for i in 0..<dst.nlon {
                // Bring the destination longitude into [lons[0], lons[0] + 360).
                var lam = dst.lon[i]
                if periodic {
                    lam = lons[0] + (lam - lons[0]).truncatingRemainder(dividingBy: 360)
                    if lam < lons[0] { lam += 360 }
                } else if lam < lons[0] - 1e-9 || lam > lons[lons.count - 1] + 1e-9 {
                    // Try the ±360 images for regional grids given in another convention.
                    if lam + 360 <= lons[lons.count - 1] { lam += 360 } else if lam - 360 >= lons[0] { lam -= 360 } else {
                        rowStart.append(cols.count); continue
                    }
                }
                var lo = 0, hi = lons.count - 1
                while hi - lo > 1 { let mid = (lo + hi) / 2; if lons[mid] <= lam { lo = mid } else { hi = mid } }
                let u = min(1, max(0, (lam - lons[lo]) / (lons[lo + 1] - lons[lo])))
                let k0 = lo % src.nlon, k1 = (lo + 1) % src.nlon
                let corners = [(l0, k0, (1 - t) * (1 - u)), (l0, k1, (1 - t) * u), (l0 + 1, k0, t * (1 - u)), (l0 + 1, k1, t * u)]
                for (l, k, wt) in corners where wt > 0 {
                    cols.append(Int32(l * src.nlon + k)); w.append(wt)
                }
                rowStart.append(cols.count)
            }
        }
        return try RegridWeights(source: src, destination: dst, method: .bilinear, rowStart: rowStart, columns: cols, weights: w)
    }

    /// The 4 source points of `rows` nearest to (lat, lon) on the sphere with inverse-distance
    /// weights (ties broken by the lower source index); a coincident point takes all the weight.
    static func nearestFour(_ src: LatLonGrid, rows: [Int], lat: Double, lon: Double) -> [(Int, Double)] {
        let deg = Double.pi / 180
        let p = (cos(lat * deg) * cos(lon * deg), cos(lat * deg) * sin(lon * deg), sin(lat * deg))
        var cand: [(d: Double, idx: Int)] = []
        for l in rows {
            for k in 0..<src.nlon {
                let q = (cos(src.lat[l] * deg) * cos(src.lon[k] * deg), cos(src.lat[l] * deg) * sin(src.lon[k] * deg), sin(src.lat[l] * deg))
                let dot = max(-1, min(1, p.0 * q.0 + p.1 * q.1 + p.2 * q.2))
                cand.append((acos(dot), l * src.nlon + k))
            }
        }
        cand.sort { $0.d < $1.d || ($0.d == $1.d && $0.idx < $1.idx) }
        let four = cand.prefix(4)
        if let first = four.first, first.d < 1e-12 { return [(first.idx, 1)] }
        let total = four.reduce(0) { $0 + 1 / $1.d }
        return four.map { ($0.idx, (1 / $0.d) / total) }
    }

    /// Applies the weights to `steps` fields (`values` shape `[steps, source.nlat, source.nlon]`),
    /// returning `[steps, destination.nlat, destination.nlon]`. NaN source cells are left out and
    /// the remaining weights of the row renormalised; a destination cell with no valid source is
    /// NaN. Time steps are split over `threads` threads; results do not depend on the thread count.
    public func apply(_ values: [Float], steps: Int, threads: Int = 1) throws(ClimateDataError) -> [Float] {
        let ns = source.size, nd = destination.size
        guard values.count == steps * ns else {
            throw ClimateDataError(.mismatch, "regrid input has \(values.count) values, expected \(steps) x \(ns) on \(source)")
        }
        var out = [Float](repeating: .nan, count: steps * nd)
        guard steps > 0, ns > 0, nd > 0 else { return out }
        let nthreads = max(1, min(threads, steps))
        values.withUnsafeBufferPointer { vin in
            out.withUnsafeMutableBufferPointer { vout in
                guard let inBase = vin.baseAddress, let outBase = vout.baseAddress else { return }
                nonisolated(unsafe) let outPtr = outBase
                nonisolated(unsafe) let inPtr = inBase
                DispatchQueue.concurrentPerform(iterations: nthreads) { worker in
                    let s0 = steps * worker / nthreads, s1 = steps * (worker + 1) / nthreads
                    self.applyRange(inPtr, outPtr, s0..<s1)
                }
            }
        }
        return out
    }

    private func applyRange(_ vin: UnsafePointer<Float>, _ vout: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        let ns = source.size, nd = destination.size
        rowStart.withUnsafeBufferPointer { rs in
            columns.withUnsafeBufferPointer { cs in
                weights.withUnsafeBufferPointer { ws in
                    for s in range {
                        let x = vin + s * ns
                        let y = vout + s * nd
                        for d in 0..<nd {
                            var acc = 0.0, wsum = 0.0
                            for k in rs[d]..<rs[d + 1] {
                                let v = x[Int(cs[k])]
                                if !v.isNaN { acc += ws[k] * Double(v); wsum += ws[k] }
                            }
                            if wsum > 0 {
                                y[d] = Float(abs(wsum - 1) < 1e-12 ? acc : acc / wsum)
                            }
                        }
                    }
                }
            }
        }
    }
}
