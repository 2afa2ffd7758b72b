using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OrleansLive.Grains;

/// <summary>Binds each named <see cref="VhostOptions"/> from "Vhosts:&lt;name&gt;", whatever the name.</summary>
internal sealed class VhostOptionsSetup(IServiceProvider services) : IConfigureNamedOptions<VhostOptions>
{
    public void Configure(string? name, VhostOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }
        var configuration = (IConfiguration?)services.GetService(typeof(IConfiguration));
        configuration?.GetSection($"{VhostOptions.SectionName}:{name}").Bind(options);
    }

    public void Configure(VhostOptions options) => Configure(Options.DefaultName, options);
}
