namespace AlphaHost.Tests.Support;

/// <summary>What happens to a plugin's files in production: overwritten by garbage, cut short by a failed copy, deleted.</summary>
internal static class PluginDamage
{
    /// <param name="damage"><c>garbage</c>, <c>truncated</c> or <c>deleted</c> (the whole folder).</param>
    /// <param name="mainAssembly">The plugin's main assembly inside its folder.</param>
    public static void Apply(string damage, string mainAssembly)
    {
        switch (damage)
        {
            case "garbage":
                File.WriteAllText(mainAssembly, "garbage");
                break;
            case "truncated":
                File.WriteAllBytes(mainAssembly, File.ReadAllBytes(mainAssembly)[..1000]);
                break;
            case "deleted":
                Directory.Delete(Path.GetDirectoryName(mainAssembly)!, recursive: true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, "garbage, truncated or deleted");
        }
    }
}
