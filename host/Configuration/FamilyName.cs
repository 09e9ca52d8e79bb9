using System.Text.RegularExpressions;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// The one rule for a family name, whether an instance under <c>families:</c>, its <c>family:</c> reference or a plugin's
/// <c>[AlphaFamily]</c> name: a lower case letter, then lower case letters, digits and underscores (so no name starts
/// with the underscore of the host's own folders, such as <c>_combined</c>).
/// </summary>
internal static partial class FamilyName
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex Pattern();
}
