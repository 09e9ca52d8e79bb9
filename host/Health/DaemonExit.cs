namespace AlphaHost.Host.Health;

/// <summary>The daemon's exit code: 0 unless the cycle loop faulted, then <see cref="LoopFaulted"/>, so the supervisor restarts it.</summary>
internal sealed class DaemonExit
{
    /// <summary>EX_SOFTWARE (sysexits.h): an exception escaped the cycle loop.</summary>
    public const int LoopFaulted = 70;

    public int Code { get; private set; }

    public void Fault() => Code = LoopFaulted;
}
