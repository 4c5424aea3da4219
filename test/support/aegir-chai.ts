/**
 * `interface-blockstore-tests` (the field's own compliance suite) imports `expect` from `aegir/chai`, aegir's
 * chai with chai-as-promised and chai-parentheses. Rather than install all of aegir (a whole build tool) for one import, the test
 * config aliases `aegir/chai` to this file, which builds the same `expect`.
 */
import * as chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import chaiParentheses from 'chai-parentheses'

chai.use(chaiAsPromised)
chai.use(chaiParentheses)

export const expect = chai.expect
export const assert = chai.assert
export { chai }
