import Foundation
import Testing
import SPFEngine

/// Values a manifest could carry (node ids from matrix values, paths) that would run commands if a
/// batch script interpolated them unquoted.
let hostileValues = [
    "a; touch pwned-semicolon",
    "$(touch pwned-dollar)",
    "`touch pwned-backquote`",
    "'; touch pwned-single; '",
    "\"; touch pwned-double; \"",
    "line1\ntouch pwned-newline",
    "${IFS}touch${IFS}pwned-ifs && *",
    "-n --help 'mixed \" quotes' \\ back\\slash",
]

@Suite struct SlurmScriptUnitTests {
    @Test func quotingRoundTripsThroughBash() throws {
        // bash reads each quoted word back exactly, and nothing runs.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spf-quote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for value in hostileValues {
            let script = "cd \(try ShellQuoting.quote(dir.path)) && printf '%s' \(try ShellQuoting.quote(value))"
            let result = try CommandRunner().run(["/bin/bash", "-c", script])
            #expect(result.status == 0)
            #expect(result.stdout == value)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(throws: SlurmError.self) { try ShellQuoting.quote("nul\u{0}byte") }
    }

    @Test func sbatchArgumentsAreOneElementPerOption() {
        var resources = SlurmResources(cpus: 2, memoryMB: 1536, timeMinutes: 90, partition: "debug", account: "clim; rm -rf /")
        resources.extraOptions = ["--qos=short"]
        let request = SbatchRequest(scriptPath: "/c/s.sh", jobName: "spf-abc", comment: "t1", workingDirectory: "/c/logs",
                                    outputPattern: "t1_%a.out", afterOK: ["12", "13_4"], arrayCount: 8, arrayThrottle: 3,
                                    resources: resources)
        #expect(request.arguments == [
            "sbatch", "--parsable", "--job-name=spf-abc", "--comment=t1", "--chdir=/c/logs", "--output=t1_%a.out",
            "--kill-on-invalid-dep=yes", "--no-requeue", "--dependency=afterok:12:13_4", "--array=0-7%3",
            "--cpus-per-task=2", "--mem=1536M", "--time=90", "--partition=debug", "--account=clim; rm -rf /",
            "--qos=short", "/c/s.sh",
        ])
    }

    @Test func parsesSbatchAndSqueueOutput() throws {
        #expect(try SbatchRequest.parseJobID("1234\n") == "1234")
        #expect(try SbatchRequest.parseJobID("77;cluster\n") == "77")
        #expect(throws: SlurmError.self) { try SbatchRequest.parseJobID("sbatch: error: x\n") }
        let text = """
        9_[2-4%2]|9|9|2-4%2|PENDING|tok9|JobArrayTaskLimit
        9_1|11|9|1|RUNNING|tok9|None
        9_0|10|9|0|COMPLETED|tok9|None
        12|12|12|N/A|PENDING|tok12|Dependency
        13|13|0|N/A|CANCELLED|tok13|DependencyNeverSatisfied|extra|pipes
        """
        let snapshot = try SqueueSnapshot.parse(text)
        #expect(snapshot.jobs.count == 5)
        let tasks = snapshot.tasks(ofArray: "9")
        #expect(tasks.keys.sorted() == [0, 1, 2, 3, 4])
        #expect(tasks[1]?.jobID == "11" && tasks[1]?.state == "RUNNING")
        #expect(tasks[0]?.isActive == false)
        #expect(tasks[3]?.isActive == true)
        #expect(snapshot.tasks(ofArray: "12")[0]?.reason == "Dependency")
        #expect(snapshot.jobs[4].reason == "DependencyNeverSatisfied|extra|pipes")
        #expect(throws: SlurmError.self) { try SqueueSnapshot.parse("garbage line\n") }
    }

    @Test func parsesResourceSizesAndTimes() throws {
        #expect(try SlurmResources.parseMemoryMB("4G") == 4096)
        #expect(try SlurmResources.parseMemoryMB("512") == 512)
        #expect(try SlurmResources.parseMemoryMB("1.5g") == 1536)
        #expect(try SlurmResources.parseTimeMinutes("30") == 30)
        #expect(try SlurmResources.parseTimeMinutes("01:30:00") == 90)
        #expect(try SlurmResources.parseTimeMinutes("1-12") == 2160)
        #expect(try SlurmResources.parseTimeMinutes("0:30") == 1)
        for bad in ["", "x", "-1G", "4Q"] { #expect(throws: SlurmError.self) { try SlurmResources.parseMemoryMB(bad) } }
        for bad in ["", "a:b", "1:2:3:4", "0"] { #expect(throws: SlurmError.self) { try SlurmResources.parseTimeMinutes(bad) } }
        let grown = SlurmResources(memoryMB: 1000, timeMinutes: 10).scaled(forAttempt: 2, memoryFactor: 1.5, timeFactor: 2)
        #expect(grown.memoryMB == 2250 && grown.timeMinutes == 40)
    }
}

@Suite struct SlurmScriptClusterTests {
    /// Submits a real job array whose task arguments are hostile strings: each task must receive its
    /// string byte for byte, and no file named pwned-* may appear.
    @Test func hostileTaskArgumentsRunNothingOnSlurm() throws {
        try SlurmTestCluster.requireRunning()
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("spf slurm 'quote' $(x) \(UUID().uuidString.prefix(8))")
        let logs = base.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let script = BatchScript(command: ["/usr/bin/printf", "<%s>"], taskArguments: hostileValues,
                                 environment: [("SPF_TEST_VALUE", "$(touch pwned-env)")], title: "quoting test\n; touch pwned-title")
        let scriptURL = base.appendingPathComponent("job.sh")
        try script.render().write(to: scriptURL, atomically: true, encoding: .utf8)
        let jobName = "spf-test-quote-\(UUID().uuidString.prefix(8))"
        let client = SlurmClient()
        let request = SbatchRequest(scriptPath: scriptURL.path, jobName: jobName, comment: "quote",
                                    workingDirectory: logs.path, outputPattern: "task_%a.out",
                                    arrayCount: hostileValues.count, arrayThrottle: 4,
                                    resources: SlurmResources(memoryMB: 100, timeMinutes: 2))
        let jobID = try client.submit(request)
        let snapshot = try SlurmTestCluster.waitUntilDone(client: client, jobName: jobName)
        let states = snapshot.tasks(ofArray: jobID).mapValues(\.state)
        #expect(states.count == hostileValues.count)
        #expect(states.values.allSatisfy { $0 == "COMPLETED" }, "states: \(states)")
        for (index, value) in hostileValues.enumerated() {
            let out = try String(contentsOf: logs.appendingPathComponent("task_\(index).out"), encoding: .utf8)
            // First line is the script's banner; the rest is exactly printf's output.
            #expect(out.hasSuffix("<\(value)>"), "task \(index) printed \(out.debugDescription)")
        }
        let everything = try FileManager.default.subpathsOfDirectory(atPath: base.path)
        #expect(!everything.contains { $0.contains("pwned") }, "files: \(everything)")
        #expect(!FileManager.default.fileExists(atPath: "/pwned-dollar"))
    }
}
