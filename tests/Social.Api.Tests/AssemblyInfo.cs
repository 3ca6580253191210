[assembly: Xunit.AssemblyFixture(typeof(Social.Testing.StoresFixture))]
