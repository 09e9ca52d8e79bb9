namespace AlphaHost.Tests.Support;

/// <summary>
/// A fact that needs the real bar folder (<see cref="TestPaths.SharedData"/>): skipped, saying how to run it, when
/// neither <c>ALPHAHOST_DATA</c> nor <c>../shared/data</c> is there; run (and failing if it is not a bar folder) when
/// <c>ALPHAHOST_DATA</c> is set.
/// </summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (!TestPaths.HasSharedData)
        {
            Skip = $"no real bar data: set {TestPaths.DataVariable} to a bar folder, or put it at ../shared/data beside the clone";
        }
    }
}
