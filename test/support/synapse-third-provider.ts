/**
 * A third approved PDP provider (id 3) added to the SDK mocks' registry preset, which knows two. It shares the mock
 * service URL, so the keeping provider handlers in synapse-providers.ts serve it too. Used where a repair must place a
 * copy with a provider that holds none.
 */
import type * as Mocks from '@filoz/synapse-core/mocks'

type Preset = typeof Mocks.presets.basic
type Registry = Required<Mocks.ServiceRegistryOptions>
type Args<K extends keyof Registry> = Parameters<Registry[K]>[0]

/** The preset with provider 3 registered, active and approved by the warm storage service. */
export function withThirdProvider (preset: Preset): Mocks.JSONRPCOptions {
  const registry: Registry = preset.serviceRegistry
  const address = '0x0000000000000000000000000000000000000003' as const
  const listed = (): ReturnType<Registry['getProvidersByProductType']> => {
    const [page] = registry.getProvidersByProductType([0, true, 0n, 50n])
    const second = page.providers[1]
    if (second === undefined) throw new Error('the preset lists fewer than two providers')
    const third = { ...second, providerId: 3n, providerInfo: { ...second.providerInfo, serviceProvider: address, name: 'Test Provider 3', description: 'Test Provider 3' } }
    return [{ providers: [...page.providers, third], hasMore: false }]
  }
  // the mock's ABI-derived types do not resolve for the linter (typescript itself checks this line)
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return
  return {
    ...preset,
    serviceRegistry: {
      ...registry,
      getProvidersByProductType: () => listed(),
      getProviderWithProduct: (args: Args<'getProviderWithProduct'>) => {
        if (args[0] !== 3n) return registry.getProviderWithProduct(args)
        const third = listed()[0].providers[2]
        if (third === undefined) throw new Error('Provider not found')
        return [third]
      },
      getProvider: (args: Args<'getProvider'>) => {
        if (args[0] !== 3n) return registry.getProvider(args)
        const [two] = registry.getProvider([2n])
        return [{ ...two, providerId: 3n, info: { ...two.info, serviceProvider: address } }]
      },
      getProviderIdByAddress: (args: Args<'getProviderIdByAddress'>) => args[0].toLowerCase() === address ? [3n] : registry.getProviderIdByAddress(args),
      getAllActiveProviders: () => [[1n, 2n, 3n], false],
      getProviderCount: () => [3n],
      activeProviderCount: () => [3n],
      isProviderActive: (args: Args<'isProviderActive'>) => [args[0] >= 1n && args[0] <= 3n],
      isRegisteredProvider: (args: Args<'isRegisteredProvider'>) => [args[0].toLowerCase() === address || registry.isRegisteredProvider(args)[0]]
    },
    warmStorageView: { ...preset.warmStorageView, getApprovedProviders: () => [[1n, 2n, 3n]] }
  }
}
