import Dispatch
import TensorCore

/// The attention measurement of `spfflow bench scaling`, run in a child process per token count:
/// joint attention (d 128, 2 heads, QK-norm, batch 4, no context) forward + backward, timed, and the
/// resident memory it adds over the process before it allocates anything (inputs, outputs, saved
/// state, scratch and the workers' score tiles).
enum ScalingAttention {
    static let width = 128, heads = 2, batch = 4

    /// Child mode: prints `child ms=… peak_mib=…` for `tokens` tokens.
    static func runChild(tokens t: Int, threads: Int, repeats: Int) throws {
        let base = BenchChildProcess.status("VmRSS")
        var layout = ParameterLayout()
        let att = try JointAttention("attn", width: width, heads: heads, hasContext: false, qkNorm: true, layout: &layout)
        let store = ParameterStore(layout: layout, seed: 1)
        let ws = Workspace()
        let saved = JointAttention.Saved(att, batch: batch, latentTokens: t, contextTokens: 0, workspace: ws)
        let scratch = JointAttention.Scratch(att, batch: batch, latentTokens: t, contextTokens: 0, workspace: ws)
        let qkv = ws.allocate([batch, t, 3 * width]), out = ws.allocate([batch, t, width])
        let dOut = ws.allocate([batch, t, width]), dQKV = ws.allocate([batch, t, 3 * width])
        var rng = RandomStream(seed: 9)
        rng.fillNormal(qkv)
        rng.fillNormal(dOut)
        let ctx = ComputeContext(threads: threads)
        func pass() -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            att.forward(latentQKV: qkv, contextQKV: nil, rotary: nil, saved: saved, latentOut: out, contextOut: nil,
                        parameters: store, context: ctx)
            att.backward(latentDOut: dOut, contextDOut: nil, latentQKV: qkv, contextQKV: nil, rotary: nil, saved: saved,
                         scratch: scratch, latentDQKV: dQKV, contextDQKV: nil, parameters: store, context: ctx)
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        }
        _ = pass()
        let times = (0..<max(repeats, 1)).map { _ in pass() }.sorted()
        let peak = (BenchChildProcess.status("VmHWM") - base) / 1024
        print("child ms=\(times[times.count / 2]) peak_mib=\(peak)")
    }
}
