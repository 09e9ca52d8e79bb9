namespace AlphaHost.Host.Health;

/// <summary>How a family instance takes part in the combined signal (<c>families.&lt;instance&gt;.mode</c>).</summary>
internal enum FamilyMode
{
    /// <summary>Its signals are combined.</summary>
    Live,

    /// <summary>Computed and scored, left out of the combined signal.</summary>
    Shadow,
}
