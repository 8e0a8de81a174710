/// Everything a resumed training run needs, as one ``StateDictionary`` of named flat arrays:
/// parameters (`params/<name>`), AdamW moments and step (`optimizer/m`, `optimizer/v`,
/// `optimizer/step`), the EMA weights (`ema/shadow`, optional), random streams (`rng/<name>`) and
/// the training step (`train/step`).
public enum TrainingCheckpoint {
    /// Collects the state of a training run.
    public static func state(parameters: ParameterStore, optimizer: AdamW, ema: ExponentialMovingAverage?,
                             randomStreams: [String: RandomStream], step: Int) -> StateDictionary {
        var d = parameters.stateDictionary()
        d.merge(optimizer.stateDictionary())
        if let ema { d.merge(ema.stateDictionary()) }
        for (name, stream) in randomStreams { d.integers["rng/" + name] = stream.state }
        d.integers["train/step"] = [UInt64(step)]
        return d
    }

    /// Restores parameters, optimizer and EMA in place; returns the step and the random streams
    /// named in `randomStreamNames`.
    public static func restore(_ state: StateDictionary, parameters: ParameterStore, optimizer: AdamW,
                               ema: ExponentialMovingAverage?, randomStreamNames: [String])
        throws(TensorError) -> (step: Int, randomStreams: [String: RandomStream]) {
        try parameters.load(state)
        try optimizer.load(state)
        if let ema { try ema.load(state) }
        var streams: [String: RandomStream] = [:]
        for name in randomStreamNames {
            streams[name] = try RandomStream(state: try state.integerArray("rng/" + name, count: 3))
        }
        let step = try state.integerArray("train/step", count: 1)[0]
        return (Int(step), streams)
    }
}
