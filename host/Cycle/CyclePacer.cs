using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// How long the cycle loop pauses after a pass. A day the feed already held (history) under <c>market.catch_up: fast</c>
/// is followed by no pause; any other day by <c>host.cycle_interval</c> less the pass's own time. A pass that found no
/// new day waits at least the idle floor, which grows from <see cref="FirstIdleWait"/> doubling to <see cref="IdleWaitCap"/>
/// while the feed stays quiet, so that <c>cycle_interval: 0s</c> polls a few times a second instead of spinning.
/// A re-read asked for during the pause (SIGHUP) is done at once, and the pause goes on.
/// </summary>
/// <param name="reloads">The re-read requests.</param>
/// <param name="clock">The daemon's clock.</param>
internal sealed class CyclePacer(ConfigReloadRequests reloads, TimeProvider clock)
{
    /// <summary>The first idle poll's floor after a day arrived.</summary>
    public static readonly TimeSpan FirstIdleWait = TimeSpan.FromMilliseconds(100);

    /// <summary>The most the idle floor grows to (a longer cycle interval still wins).</summary>
    public static readonly TimeSpan IdleWaitCap = TimeSpan.FromSeconds(1);

    private TimeSpan _idleFloor = TimeSpan.Zero;

    /// <param name="hadDay">The pass processed a trading day.</param>
    /// <param name="dayWasHeld">The feed held that day before the pass asked for it (history, not newly arrived data).</param>
    /// <param name="elapsed">The pass's own time.</param>
    /// <param name="interval"><c>host.cycle_interval</c>.</param>
    /// <param name="catchUp"><c>market.catch_up</c>.</param>
    public TimeSpan PauseAfter(bool hadDay, bool dayWasHeld, TimeSpan elapsed, TimeSpan interval, CatchUpMode catchUp)
    {
        if (hadDay)
        {
            _idleFloor = TimeSpan.Zero;
            return catchUp == CatchUpMode.Fast && dayWasHeld ? TimeSpan.Zero : interval - elapsed;
        }

        _idleFloor = _idleFloor == TimeSpan.Zero ? FirstIdleWait : TimeSpan.FromTicks(Math.Min(_idleFloor.Ticks * 2, IdleWaitCap.Ticks));
        return TimeSpan.FromTicks(Math.Max((interval - elapsed).Ticks, _idleFloor.Ticks));
    }

    /// <summary>Pauses <paramref name="pause"/>; <paramref name="reload"/> runs for each re-read asked for meanwhile.</summary>
    public async Task PauseAsync(TimeSpan pause, Func<Task> reload, CancellationToken stoppingToken)
    {
        var resumeAt = clock.GetUtcNow() + pause;
        do
        {
            if (!await reloads.WaitAsync(resumeAt - clock.GetUtcNow(), clock, stoppingToken).ConfigureAwait(false))
            {
                break;
            }

            await reload().ConfigureAwait(false);
        }
        while (clock.GetUtcNow() < resumeAt);

        await Task.Yield();
    }
}
