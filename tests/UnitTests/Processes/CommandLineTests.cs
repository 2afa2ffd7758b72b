using OrleansLive.GatewayEdge.Processes;

namespace OrleansLive.UnitTests.Processes;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("ffmpeg -i in.flv -c copy", new[] { "ffmpeg", "-i", "in.flv", "-c", "copy" })]
    [InlineData("  a   b  ", new[] { "a", "b" })]
    [InlineData("/bin/sh -c 'echo [stream] > /tmp/x; exec sleep 9'", new[] { "/bin/sh", "-c", "echo [stream] > /tmp/x; exec sleep 9" })]
    [InlineData("say \"a \\\"b\\\" c\" d\\ e", new[] { "say", "a \"b\" c", "d e" })]
    [InlineData("x '' y", new[] { "x", "", "y" })]
    [InlineData("open 'quote", new[] { "open", "quote" })]
    [InlineData("", new string[0])]
    public void Splits_like_a_shell_without_expanding(string line, string[] expected) =>
        Assert.Equal(expected, CommandLine.Split(line));

    [Fact]
    public void Expands_known_variables_and_keeps_the_rest()
    {
        var variables = new Dictionary<string, string> { ["vhost"] = "v", ["stream"] = "a b", ["app"] = "" };
        Assert.Equal("rtmp://h/[app2]/a b?vhost=v", CommandLine.Expand("rtmp://h/[app2]/[stream]?vhost=[vhost]", variables));
        Assert.Equal("[[a b]", CommandLine.Expand("[[[stream]]", variables));
        Assert.Equal("/[", CommandLine.Expand("/[app][", variables));
        // A value with spaces stays one word.
        Assert.Equal(["echo", "a b.marker"], CommandLine.Build("echo [stream].marker", variables));
    }
}
