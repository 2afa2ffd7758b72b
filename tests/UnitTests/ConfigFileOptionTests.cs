using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using OrleansLive.GatewayEdge;

namespace OrleansLive.UnitTests;

public class ConfigFileOptionTests
{
    [Fact]
    public void Both_spellings_are_read_the_last_one_wins_and_paths_become_absolute()
    {
        Assert.Null(ConfigFileOption.Find(["--Gateway:RtmpPort=1936"]));
        Assert.Equal("/etc/a.json", ConfigFileOption.Find(["--config", "/etc/a.json"]));
        Assert.Equal("/etc/b.json", ConfigFileOption.Find(["--config", "/etc/a.json", "--config=/etc/b.json"]));
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "c.json"), ConfigFileOption.Find(["--config=c.json"]));
        Assert.Throws<ArgumentException>(() => ConfigFileOption.Find(["--config"]));
    }

    [Fact]
    public void The_file_takes_the_place_of_the_default_file_below_the_command_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Gateway": { "RtmpPort": 1937, "HttpPort": 8082 } }""");
            var builder = new ConfigurationBuilder()
                .AddJsonFile("appsettings.json", optional: true)
                .AddCommandLine(["--Gateway:HttpPort=8083"]);
            Assert.Equal(file, ConfigFileOption.Apply(builder, ["--config", file], "appsettings.json"));

            var json = Assert.IsType<JsonConfigurationSource>(builder.Sources[0]);
            Assert.True(json.ReloadOnChange);
            Assert.False(json.Optional);
            var config = builder.Build();
            Assert.Equal("1937", config["Gateway:RtmpPort"]);
            Assert.Equal("8083", config["Gateway:HttpPort"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
