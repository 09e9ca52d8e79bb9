using System.Net.Sockets;

namespace AlphaHost.Host.Internal;

/// <summary>
/// Whether an exception says the process (EMFILE) or the system (ENFILE) has no free file descriptor: a passing
/// condition of the machine, not a verdict on the file or folder being opened.
/// </summary>
internal static class FdExhaustion
{
    private const int Enfile = 23;
    private const int Emfile = 24;

    public static bool Is(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is IOException { HResult: Emfile or Enfile } or SocketException { SocketErrorCode: SocketError.TooManyOpenSockets })
            {
                return true;
            }
        }

        return false;
    }
}
