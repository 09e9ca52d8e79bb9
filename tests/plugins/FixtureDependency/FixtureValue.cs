namespace AlphaHost.TestPlugins.FixtureDependency;

public static class FixtureValue
{
    public static double Value => 0.5;
}
