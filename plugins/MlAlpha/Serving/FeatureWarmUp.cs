using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Features;

namespace AlphaHost.Plugins.MlAlpha.Serving;

/// <summary>
/// The live features' one-time work: every symbol's state built from the whole history the first cycle holds (on
/// <c>../shared/data</c>, 494 symbols of 1,260 to 2,520 bars: about 2 s, four times a cycle's budget). A daemon's
/// first cycles serve nothing anyway while the models load, so that build runs in the background beside the model
/// load, reading the first snapshot's bars where the host put them (its bars once handed out never change, in process
/// or mapped in a worker, and stay readable while held); the live state then takes the days it missed meanwhile as it
/// takes any gap. Only when models are already loaded (an offline replay) is the build done in the cycle, which then
/// predicts.
/// </summary>
internal sealed class FeatureWarmUp(LiveFeatures live, TaskScheduler background)
{
    private Task? _build;
    private bool _done;

    /// <summary>
    /// Whether the cycle may update the live features: true once the background build is done, or at once when the
    /// models were loaded before the first cycle. Otherwise the first call starts the build in the background.
    /// </summary>
    public bool IsDone(MarketSnapshot snapshot, bool modelsLoaded)
    {
        if (_done)
        {
            return true;
        }

        if (_build is null)
        {
            if (modelsLoaded)
            {
                return _done = true;
            }

            _build = Task.Factory.StartNew(() => live.Update(snapshot), CancellationToken.None, TaskCreationOptions.DenyChildAttach | TaskCreationOptions.HideScheduler, background);
            return false;
        }

        if (!_build.IsCompleted)
        {
            return false;
        }

        if (_build.IsFaulted)
        {
            // As when the cycle built it: the error reaches the host, and the next cycle tries again.
            var failed = _build;
            _build = null;
            failed.GetAwaiter().GetResult();
        }

        return _done = true;
    }

    /// <summary>Waits (a few seconds at most) for a build in progress.</summary>
    public async Task WaitAsync()
    {
        if (_build is { } build)
        {
            await build.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
