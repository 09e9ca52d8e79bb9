namespace AlphaHost.Tests.Support;

/// <summary>Waiting on a running process's files: checks a condition every 50 ms, fails the test after 60 s.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 60 s");
            await Task.Delay(50);
        }
    }
}
