namespace AlphaHost.Tests.Support;

internal static class ObjectExtensions
{
    public static string Also(this string value, Action<string> action)
    {
        action(value);
        return value;
    }
}
