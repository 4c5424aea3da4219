/**
 * Gossipsub topics every ipfs-kit peer (browser or relay) agrees on. Gossipsub only forwards topics a node is
 * subscribed to, so the relay subscribes to these even though it publishes nothing on them: it is the hub
 * browsers' messages pass through before they have direct connections to each other.
 */

/** Browser peers announce their `/p2p-circuit/webrtc` addresses here so other tabs can dial them. */
export const MESH_DISCOVERY_TOPIC = 'ipfs-kit/mesh-discovery/1'

/** Every topic the relay must subscribe to. */
export const RELAY_TOPICS = [MESH_DISCOVERY_TOPIC] as const
