import Testing
import SPFEngine

/// Reading how a job ended from `scontrol show job` (lines as Slurm 22.05 printed them here) and from
/// `sacct`, and the one-line explanation the driver prints.
@Suite struct SlurmJobEndTests {
    static let oom = "JobId=1 JobName=exp23 UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=OUT_OF_MEMORY Reason=OutOfMemory Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:125 RunTime=00:00:01 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-12-06T07:33:56 EligibleTime=2026-12-06T07:33:56 StartTime=2026-12-06T07:33:56 EndTime=2026-12-06T07:33:57 Deadline=N/A Partition=debug AllocNode:Sid=vm:1 ReqNodeList=(null) ExcNodeList=(null) NodeList=localhost BatchHost=localhost NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=100M,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=* MinCPUsNode=1 MinMemoryNode=100M MinTmpDiskNode=0 Features=(null) Command=/tmp/a b/hog.sh WorkDir=/tmp/a b StdOut=/tmp/a b/hog.out"
    static let timeout = "JobId=2 JobName=exp23 JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 RunTime=00:01:21 TimeLimit=00:01:00 EndTime=2026-12-06T07:35:22 ReqNodeList=(null) NodeList=localhost TRES=cpu=1,mem=1G,node=1,billing=1 MinMemoryCPU=1G"
    static let killed = "JobId=4 JobName=exp23 JobState=FAILED Reason=JobLaunchFailure Dependency=(null) ExitCode=0:9 RunTime=00:00:04 TimeLimit=UNLIMITED EndTime=2026-12-06T07:34:07 NodeList=localhost"

    @Test func outOfMemoryNamesTheLimitAndTheNode() throws {
        let end = try #require(SlurmJobEnd.parseScontrol(Self.oom))
        #expect(end.state == "OUT_OF_MEMORY" && end.isOutOfMemory)
        #expect(end.memory == "100M" && end.nodes == "localhost" && end.timeLimit == nil && end.exitCode == "0:125")
        #expect(end.endTime == "2026-12-06T07:33:57" && end.source == .scontrol)
        #expect(end.explanation == "OUT_OF_MEMORY: killed by the out-of-memory handler: it used more than its memory limit --mem 100M, exit code 0:125, on localhost")
    }

    @Test func timeoutNamesTheLimitAndRunTime() throws {
        let end = try #require(SlurmJobEnd.parseScontrol(Self.timeout))
        #expect(end.memory == "1G")  // from TRES when no MinMemoryNode
        #expect(end.explanation == "TIMEOUT: killed at its time limit --time 00:01:00 after running 00:01:21, exit code 0:15, on localhost")
    }

    @Test func aKilledProcessNamesTheSignal() throws {
        let end = try #require(SlurmJobEnd.parseScontrol(Self.killed))
        #expect(end.signal == 9 && end.exitStatus == nil)
        #expect(end.explanation == "FAILED: killed by signal 9 (SIGKILL), on localhost")
        let exited = try #require(SlurmJobEnd.parseScontrol("JobId=7 JobState=FAILED ExitCode=3:0 NodeList=n01"))
        #expect(exited.explanation == "FAILED: exited with status 3, on n01")
    }

    @Test func unknownJobsAndGarbageGiveNil() {
        #expect(SlurmJobEnd.parseScontrol("slurm_load_jobs error: Invalid job id specified") == nil)
        #expect(SlurmJobEnd.parseScontrol("") == nil)
        #expect(SlurmJobEnd.parseSacct("", jobID: "5") == nil)
    }

    @Test func sacctTellsWhoCancelled() throws {
        let text = "120_4|CANCELLED by 1000|0:15|node07|01:00:00|00:00:42|4000M|2026-12-06T08:00:00\n"
        let end = try #require(SlurmJobEnd.parseSacct(text, jobID: "120_4"))
        #expect(end.state == "CANCELLED" && end.cancelledBy == "uid 1000" && end.source == .sacct)
        #expect(end.explanation == "CANCELLED: cancelled by uid 1000, exit code 0:15, on node07")
        let nodeFail = try #require(SlurmJobEnd.parseSacct("9|NODE_FAIL|0:0|node03|UNLIMITED|00:10:00|2G|Unknown", jobID: "9"))
        #expect(nodeFail.explanation == "NODE_FAIL: the node it ran on failed, on node03")
        #expect(nodeFail.timeLimit == nil && nodeFail.endTime == nil)
        #expect(SlurmJobEnd.sacctArguments(jobID: "9").contains("--allocations"))
    }
}
