using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>Polls a condition until it holds or a deadline passes; tests never sleep a fixed time.</summary>
public static class Wait
{
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var value = await probe();
                if (value is not null && !(value is bool b && !b))
                {
                    return value;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Timed out after {timeout} waiting for {what}", last);
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ForAsync<object>(async () => await condition() ? true : null, timeout, what);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        ForAsync<object>(() => Task.FromResult<object?>(condition() ? true : null), timeout, what);
}
