namespace AlphaHost.Tests.Support;

/// <summary>A fact that needs <c>../shared/data</c>; skipped cleanly when the folder is absent.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (TestPaths.SharedData is null)
        {
            Skip = "../shared/data is absent";
        }
    }
}
