namespace AlphaHost.Tests.Support;

/// <summary>A task scheduler that holds what is queued on it until the test runs it: shows what a caller left to the background.</summary>
internal sealed class HeldTasks : TaskScheduler
{
    private readonly List<Task> _waiting = [];

    /// <summary>Tasks queued and not run yet.</summary>
    public int Waiting
    {
        get
        {
            lock (_waiting)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Tasks run so far.</summary>
    public int Ran { get; private set; }

    /// <summary>Runs every task waiting, on the caller's thread.</summary>
    public void RunAll()
    {
        Task[] tasks;
        lock (_waiting)
        {
            tasks = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var task in tasks)
        {
            TryExecuteTask(task);
            Ran++;
        }
    }

    protected override void QueueTask(Task task)
    {
        lock (_waiting)
        {
            _waiting.Add(task);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_waiting)
        {
            return [.. _waiting];
        }
    }
}
