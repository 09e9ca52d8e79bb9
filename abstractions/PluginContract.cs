namespace AlphaHost.Abstractions;

/// <summary>Versioning of the plugin contract.</summary>
public static class PluginContract
{
    /// <summary>
    /// The contract's major version, equal to the major version of this assembly. A plugin built against
    /// another major version is refused at load time.
    /// </summary>
    public static int MajorVersion => typeof(PluginContract).Assembly.GetName().Version?.Major ?? 0;
}
