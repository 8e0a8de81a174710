import Foundation
import Testing

/// The tests' command runner kills a command at its time limit and says which command it was.
@Suite struct TestCommandTests {
    @Test func aCommandPastItsLimitIsKilledAndNamed() throws {
        let started = Date()
        let error = #expect(throws: TestCommand.Timeout.self) {
            _ = try TestCommand.run("/bin/sh", ["-c", "echo waiting; exec sleep 60"], timeout: 1)
        }
        #expect(Date().timeIntervalSince(started) < 30, "the command was not killed at its limit")
        #expect(error?.description.contains("/bin/sh -c echo waiting; exec sleep 60 did not finish within 1 s") == true)
        #expect(error?.output.contains("waiting") == true)
    }

    @Test func aCommandWithinItsLimitGivesItsStatusAndOutput() throws {
        let result = try TestCommand.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], environment: ["SPFFLOW_CACHE": "x"])
        #expect(result.status == 3)
        #expect(result.output.contains("out") && result.output.contains("err"))
    }
}
